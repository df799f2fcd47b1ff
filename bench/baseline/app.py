"""The yardstick: the same three project endpoints, hand-tuned on FastAPI and asyncpg.

What it does that the generated app does not: no auth, no rate limit, no middleware,
no SQLAlchemy. Like the generated app, it turns FastAPI's native telemetry off. One
asyncpg pool made in the lifespan, without the reset query asyncpg runs on every
release by default; every query is a constant SQL string, so asyncpg prepares it once
per connection and reuses the statement; rows become plain dicts serialised with
orjson straight into a `Response` (no response model, no `jsonable_encoder`). uuid
and numeric come back from Postgres as text, so the JSON needs no per-value
conversion in Python. A create is one autocommitted INSERT ... RETURNING: one round
trip, no BEGIN/COMMIT. The garbage collector is tuned as in the generated app
(`BASELINE_GC=default` leaves CPython's settings).

Response shapes match the generated app's: the row as {id, name, summary, budget,
due_on, created_at, updated_at} (budget as a decimal string, timestamps in ISO 8601
with Z), and a page as {items, total, limit, offset}.

Run: BASELINE_DSN=postgresql://postgres@127.0.0.1:5432/db \
    uvicorn app:app --app-dir bench/baseline --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from fastapi import FastAPI, Query, Request, Response
from pydantic import BaseModel

try:
    import orjson

    _dumps: Callable[[Any], bytes] = orjson.dumps
except ImportError:  # the stdlib fallback is slower, and still correct
    import json

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


JSON = "application/json"
BY_ID = (
    "SELECT id, name, summary, budget, due_on, created_at, updated_at FROM projects WHERE id = $1"
)
PAGE = (
    "SELECT id, name, summary, budget, due_on, created_at, updated_at"
    " FROM projects ORDER BY created_at, id LIMIT $1 OFFSET $2"
)
COUNT = "SELECT count(*) FROM projects"
INSERT = (
    "INSERT INTO projects (id, name, summary, budget, due_on, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, now(), now())"
    " RETURNING id, name, summary, budget, due_on, created_at, updated_at"
)


class ProjectCreate(BaseModel):
    """The create body, typed and nothing more."""

    name: str
    summary: str | None = None
    budget: Decimal | None = None
    due_on: dt.date | None = None


async def _text_codecs(connection: asyncpg.Connection) -> None:
    """uuid and numeric as their text form: exactly what the JSON needs."""
    for name in ("uuid", "numeric"):
        await connection.set_type_codec(
            name, schema="pg_catalog", encoder=str, decoder=str, format="text"
        )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip the pool's reset query on release: a round trip per request for session state
    (LISTEN, advisory locks, SET, cursors) this app never creates. asyncpg still rolls
    back a transaction left open."""


def _row(record: asyncpg.Record) -> dict[str, Any]:
    due_on: dt.date | None = record["due_on"]
    return {
        "id": record["id"],
        "name": record["name"],
        "summary": record["summary"],
        "budget": record["budget"],
        "due_on": None if due_on is None else due_on.isoformat(),
        "created_at": _timestamp(record["created_at"]),
        "updated_at": _timestamp(record["updated_at"]),
    }


def _timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z, as pydantic writes an aware datetime in UTC."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _json(content: Any, status_code: int = 200) -> Response:
    return Response(_dumps(content), status_code=status_code, media_type=JSON)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("BASELINE_POOL_SIZE", "10"))
    pool = await asyncpg.create_pool(
        os.environ["BASELINE_DSN"],
        min_size=size,
        max_size=size,
        init=_text_codecs,
        reset=_keep_session,
    )
    app.state.pool = pool
    if os.environ.get("BASELINE_GC", "tuned") == "tuned":
        # The generated app's collector settings (its main.py): what start-up made is
        # frozen out of every pass, and young passes wait for 10,000 objects, not 700.
        # Left at CPython's defaults, passes set off by the requests in flight cost this
        # app about 60 us of a read's CPU at 64 connections (bench/README.md, stop 18).
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000)
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(
    lifespan=lifespan,
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
    # Off, as in the generated app by default: otherwise FastAPI asks OpenTelemetry on
    # every request whether a provider is set up.
    telemetry={"tracing": False, "metrics": False, "logs": False},
)


@app.get("/projects/{project_id}")
async def read_project(project_id: uuid.UUID, request: Request) -> Response:
    record = await request.app.state.pool.fetchrow(BY_ID, str(project_id))
    if record is None:
        return _json({"detail": "Not Found"}, status_code=404)
    return _json(_row(record))


@app.get("/projects")
async def list_projects(
    request: Request,
    limit: Annotated[int, Query()] = 20,
    offset: Annotated[int, Query()] = 0,
) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as connection:
        records = await connection.fetch(PAGE, limit, offset)
        returned = len(records)
        if returned < limit and (returned > 0 or offset == 0):
            total = offset + returned  # the page proves the total, as in the generated app
        else:
            total = await connection.fetchval(COUNT)
    return _json(
        {"items": [_row(r) for r in records], "total": total, "limit": limit, "offset": offset}
    )


@app.post("/projects", status_code=201)
async def create_project(body: ProjectCreate, request: Request) -> Response:
    budget = None if body.budget is None else str(body.budget)
    record = await request.app.state.pool.fetchrow(
        INSERT, str(uuid.uuid4()), body.name, body.summary, budget, body.due_on
    )
    return _json(_row(record), status_code=201)
