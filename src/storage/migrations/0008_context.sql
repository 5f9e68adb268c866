-- What the agent knows of a user, for choosing what to talk about: facts (a statement, with an
-- optional subject-predicate-object reading) and memories (something that happened, when, with
-- tags). Either belongs to one character when character_id is set, else to every character.
-- Sensitive ones are never used in a public channel. Ids sort by creation time.
create table facts (
  tenant_id text not null,
  user_id text not null,
  fact_id text not null,
  character_id text,
  text text not null,
  subject text,
  predicate text,
  object text,
  category text,
  salience double precision not null check (salience >= 0 and salience <= 1),
  sensitive boolean not null,
  source text not null,
  created_at timestamptz not null,
  primary key (tenant_id, user_id, fact_id)
);

create table memories (
  tenant_id text not null,
  user_id text not null,
  memory_id text not null,
  character_id text,
  text text not null,
  at timestamptz not null,
  tags text[] not null,
  salience double precision not null check (salience >= 0 and salience <= 1),
  sensitive boolean not null,
  source text not null,
  created_at timestamptz not null,
  primary key (tenant_id, user_id, memory_id)
);
