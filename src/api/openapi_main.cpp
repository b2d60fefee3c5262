// kanri_openapi: writes the API's OpenAPI document (what GET /api/v1/openapi.json serves)
// without running the service, so that the console's build can generate its TypeScript
// types from it (cmake/Web.cmake).
//
//   kanri_openapi FILE    writes the document to FILE
//
// The route table is the real one (BuildRouteTable), over the tests' services and a throwaway
// database (api/api_fixture.h) that are never called: handlers run only for requests, and
// this program serves none. It is linked without the
// console's files, which are built from its output; the console's routes stay out of the
// document anyway.
#include <exception>
#include <fstream>
#include <iostream>
#include <vector>

#include "api/api_fixture.h"
#include "api/console.h"
#include "api/routes.h"

namespace kanri::api::embedded {

const std::vector<EmbeddedFile>& ConsoleFiles() {
  static const std::vector<EmbeddedFile> none;
  return none;
}

}  // namespace kanri::api::embedded

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kanri_openapi FILE\n";
    return 2;
  }
  try {
    kanri::api::TestServices services;
    const std::string document = kanri::api::OpenApiDocument(kanri::api::BuildRouteTable(services.services));
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    out << document << '\n';
    out.close();
    if (!out) {
      std::cerr << "kanri_openapi: cannot write " << argv[1] << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "kanri_openapi: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
