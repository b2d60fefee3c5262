// Calls of the API typed by its OpenAPI document (schema.d.ts): the path is one the document
// lists for that method (without the /api/v1 prefix), its {parameters} are given by name, and
// the query, the body and the answer have the document's types. A route that is gone, or
// takes or answers something else, fails `tsc`.
//
//   const device = await call("get", "/devices/{id}", { path: { id } });
//   await call("post", "/devices/{id}/tasks", { path: { id }, body: { type: "reboot", now: true } });
//   const roles = await listAll("/roles");
import { api, downloadCsv, fetchAll, uploadBinary, type RequestOptions } from "./client";
import type { paths } from "./schema";

type Documented = { [P in keyof paths as P extends `/api/v1${infer Rest}` ? Rest : never]: paths[P] };
export type Method = "get" | "post" | "put" | "patch" | "delete";
// The paths the document lists for a method.
export type PathOf<M extends Method> = {
  [P in keyof Documented]: Documented[P][M] extends { responses: unknown } ? P : never;
}[keyof Documented];
type Operation<M extends Method, P extends PathOf<M>> = Extract<Documented[P][M], { responses: unknown }>;

type Success<R> = R extends { 200: infer S } ? S : R extends { 201: infer S } ? S : R extends { 202: infer S } ? S : never;
type JsonContent<S> = S extends { content: { "application/json": infer B } } ? B : void;
export type AnswerAt<M extends Method, P extends PathOf<M>> = JsonContent<Success<Operation<M, P>["responses"]>>;

type PathParams<O> = O extends { parameters: { path: infer X } } ? X : never;
type Query<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type Body<O> = O extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

type CallOptions<O> = Pick<RequestOptions, "background" | "signal"> &
  ([PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> }) &
  ([Body<O>] extends [never] ? { body?: never } : { body: Body<O> }) &
  ([Query<O>] extends [never] ? { query?: never } : { query?: Query<O> });
// The options argument may be left out when nothing in it is required.
type OptionsArg<O> = object extends CallOptions<O> ? [options?: CallOptions<O>] : [options: CallOptions<O>];

interface LooseOptions {
  path?: Record<string, string>;
  body?: unknown;
  query?: RequestOptions["query"];
  background?: boolean;
  signal?: AbortSignal;
}

// "/devices/{id}/tags/{tag}" with {id: "d1", tag: "a b"} -> "/devices/d1/tags/a%20b".
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}

export function call<M extends Method, P extends PathOf<M>>(
  method: M,
  path: P,
  ...[options]: OptionsArg<Operation<M, P>>
): Promise<AnswerAt<M, P>> {
  const o = (options ?? {}) as LooseOptions;
  return api<AnswerAt<M, P>>(fillPath(path, o.path), {
    method: method.toUpperCase() as RequestOptions["method"],
    body: o.body,
    query: o.query,
    background: o.background,
    signal: o.signal,
  });
}

type ListPath = { [P in PathOf<"get">]: AnswerAt<"get", P> extends { items: unknown[] } ? P : never }[PathOf<"get">];
type ListItem<P extends ListPath> = AnswerAt<"get", P> extends { items: Array<infer I> } ? I : never;

// Every item of a paginated list (for the small lists the console shows whole).
export function listAll<P extends ListPath>(
  path: P,
  ...[options]: OptionsArg<Operation<"get", P>>
): Promise<Array<ListItem<P>>> {
  const o = (options ?? {}) as LooseOptions;
  return fetchAll<ListItem<P>>(fillPath(path, o.path), o.query, o.background ?? false);
}

// A listing route's CSV export, handed to the browser as a file.
export function downloadList<P extends ListPath>(path: P, query: Query<Operation<"get", P>>, fileName: string): Promise<void> {
  return downloadCsv(path, query, fileName);
}

// A file sent as the request body (firmware, a CSV import), metadata in the query.
export function upload<P extends PathOf<"post">>(
  path: P,
  file: Blob | string,
  options: { query?: Query<Operation<"post", P>>; contentType?: string } = {},
): Promise<AnswerAt<"post", P>> {
  return uploadBinary<AnswerAt<"post", P>>(path, options.query, file, options.contentType);
}
