#!/ usr / bin / python3
"""An HTTPS webhook receiver for Kanri's tests (Python's standard library), on a loopback port.

Each request is written to DIR as <n>.json: {"method", "path", "headers" (names in lower case),
"body"}, then answered 204;
while the file DIR/fail exists it is answered 503 instead (and still
recorded, with "answered": 503). Runs until SIGTERM.

  webhook_receiver.py --dir DIR --port-file FILE --port N --tls-cert C --tls-key K
"""
import argparse
import http.server
import json
import os
import signal
import ssl
import sys
import threading
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls-cert", required=True)
    p.add_argument("--tls-key", required=True)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    lock = threading.Lock()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            status = 503 if os.path.exists(os.path.join(a.dir, "fail")) else 204
            with lock:
                count[0] += 1
                n = count[0]
            record = {"method": self.command, "path": self.path, "answered": status,
                      "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            path = os.path.join(a.dir, "%06d.json" % n)
            with open(path + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(path + ".tmp", path)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.tls_cert, a.tls_key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())

    # A test that dies without stopping the receiver (an abort) must not leave it running.
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1)
        server.shutdown()

    threading.Thread(target=watch_parent, daemon=True).start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(a.port))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
