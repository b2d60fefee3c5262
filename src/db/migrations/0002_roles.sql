-- Custom roles of a company (access/roles.h) and the roles each account holds.
-- Built-in roles live in code; account_roles may name them ("builtin.operator").

CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  description TEXT NOT NULL,
  permissions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_company_name ON roles (company_id, name_key);

CREATE TABLE account_roles (
  company_id TEXT NOT NULL REFERENCES companies(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role_id TEXT NOT NULL,
  PRIMARY KEY (account_id, role_id)
);
CREATE INDEX account_roles_role ON account_roles (company_id, role_id);
