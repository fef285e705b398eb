"""The staff web console (`policybot web`): casework, staff invitations, the governors'
figures and the bot's knowledge gaps in a browser, on the same database as the bot.

Only rendering and HTTP live here. Who may see or do what is decided by the core
(handlers/access.py through handlers/inbox.py, handlers/gap_review.py), every view and
action is audited there, and wording lives in handlers/templates/web/. Requests are
handled on the event loop with short synchronous SQLite calls, one connection, as the bot
does."""

from __future__ import annotations

import csv
import hmac
import io
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl

import segno
from sqlite_utils import Database
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.web_charts import bar_chart, monthly_chart
from handlers import gap_review, inbox, review, staff
from handlers.access import MANAGE_STAFF, OFFICE, SEE_FIGURES, SEE_GAPS, audit, handling_role
from handlers.deadlines import is_overdue, next_deadline
from handlers.figures import acknowledge_times, per_month, periods
from handlers.gap_review import Decision, GapDecisionError, LiveKnowledge
from handlers.routing import next_up
from handlers.schooldays import school_today
from handlers.templates import TEMPLATE_DIR, render_page
from handlers.turn import Turn
from handlers.web_sign_in import SignedIn, sign_in, sign_out, signed_in
from knowledge.school import Knowledge
from storage.attachments import data_dir, files_of
from storage.audit import audit_of
from storage.cases import Case, all_cases, case_by_reference, cases_since, timeline_of
from storage.gap_decisions import accepted_phrasings
from storage.staff import pending_invites, revoke_staff, staff_members

log = logging.getLogger(__name__)

COOKIE = "policybot_session"
MAX_BODY = 64 * 1024  # a form is a few short fields; anything bigger is refused whole
MAX_TEXT = 4000  # a reply, note or outcome
MAX_NAME = 100
PAGE_ROWS = 100  # cases per page of /cases
ACTIONS = ("acknowledge", "reply", "note", "escalate", "resolve")
# the actions that carry a text, and the form field it comes in
WRITTEN = {
    "reply": (inbox.reply, "text"),
    "note": (inbox.note, "text"),
    "resolve": (inbox.resolve, "outcome"),
}
STATUSES = ("open", "acknowledged", "responded", "closed", "withdrawn")
KINDS = ("concern", "complaint", "report", "safeguarding", "question")
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # sign-in links carry a token in the path
    "Cache-Control": "no-store",
}


class NotSignedIn(Exception):
    """No live session: the browser goes to the sign-in page."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Console:
    """The console's long-lived services, built once and handed to every view."""

    def __init__(
        self, knowledge: Knowledge, db: Database, bot_username: str | None, clock: Callable
    ) -> None:
        self.knowledge = LiveKnowledge(knowledge, db)
        self.db = db
        self.bot_username = bot_username
        self.clock = clock
        # the session cookie is Secure when the console is served over https (behind a proxy)
        self.secure = knowledge.school.casework.web_url.startswith("https://")

    # -- who is asking ----------------------------------------------------------------------
    def signed_in(self, request: Request) -> SignedIn:
        found = signed_in(self.db, request.cookies.get(COOKIE), self.clock())
        if found is None:
            raise NotSignedIn
        return found

    def turn(self, who: SignedIn) -> Turn:
        return Turn(self.knowledge.current(), self.db, who.person, self.clock())

    def page_turn(
        self, request: Request, roles: frozenset[str], action: str, who: SignedIn | None = None
    ) -> tuple[SignedIn, Turn]:
        """A page only some roles may open: audited, and a 403 page for the others."""
        who = who or self.signed_in(request)
        turn = self.turn(who)
        role = next((held for held in who.person.roles if held in roles), None)
        if role is not None:  # someone with several roles opens it as the one that may
            turn = replace(turn, person=replace(turn.person, role=role, also=()))
        audit(turn, action, None, role is not None)
        if role is None:
            raise HTTPException(403, "role")
        return who, turn

    async def form(self, request: Request, who: SignedIn) -> dict[str, str]:
        """A posted form, size-checked, whose csrf_token matches the session's; a forged or
        missing one is audited and refused (403) before anything changes."""
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise HTTPException(413, "too-large")
        try:
            fields = dict(parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=20))
        except (UnicodeDecodeError, ValueError) as error:
            raise HTTPException(400, "unreadable") from error
        if not hmac.compare_digest(fields.get("csrf_token", "").encode(), who.csrf_token.encode()):
            audit(self.turn(who), "csrf", None, False, detail=request.url.path[:100])
            raise HTTPException(403, "csrf")
        return fields

    def page(
        self, request: Request, name: str, who: SignedIn | None, **context: Any
    ) -> HTMLResponse:
        roles = set(who.person.roles) if who else set()
        casework = self.knowledge.current().school.casework
        html = render_page(
            name,
            who=who,
            may={
                "report": not SEE_FIGURES.isdisjoint(roles),
                "gaps": not SEE_GAPS.isdisjoint(roles),
                "staff": not MANAGE_STAFF.isdisjoint(roles),
            },
            holders=[casework.holder(role) for role in who.person.roles] if who else [],
            school=self.knowledge.current().school,
            path=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=context.get("status", 200))


def _text(fields: dict[str, str], name: str, limit: int = MAX_TEXT) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise HTTPException(400, "empty")
    if len(value) > limit:
        raise HTTPException(400, "too-long")
    return value


# -- sign-in --------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    return RedirectResponse("/cases", 303)


async def signin_page(request: Request) -> Response:
    return request.app.state.console.page(request, "signin", None)


async def login_page(request: Request) -> Response:
    """A link preview or prefetch only GETs: it sees this page, which spends nothing."""
    return request.app.state.console.page(
        request, "login", None, token=request.path_params["token"]
    )


async def login(request: Request) -> Response:
    console: Console = request.app.state.console
    session = sign_in(console.db, request.path_params["token"], console.clock())
    if session is None:
        return console.page(request, "link_spent", None, status=400)
    response = RedirectResponse("/cases", 303)
    response.set_cookie(
        COOKIE, session, httponly=True, samesite="lax", secure=console.secure, path="/"
    )
    return response


async def logout(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    await console.form(request, who)
    sign_out(console.db, request.cookies.get(COOKIE, ""), console.clock())
    audit(console.turn(who), "web-sign-out", None, True)
    response = RedirectResponse("/signin", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


# -- casework -------------------------------------------------------------------------------
def _filtered(cases: list[Case], query: dict[str, str], today: date) -> list[Case]:
    status, kind = query.get("status", "active"), query.get("kind", "")
    class_name, overdue = query.get("class", ""), query.get("overdue", "") == "1"
    return [
        c
        for c in cases
        if (
            status == "all"
            or (c.status in review.OPEN if status == "active" else c.status == status)
        )
        and (not kind or c.kind == kind)
        and (not class_name or c.class_name == class_name)
        and (not overdue or is_overdue(c, today))
    ]


async def case_list(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    turn = console.turn(who)
    audit(turn, "list", None, True)
    today, office_only = school_today(turn.now), who.person.roles == (OFFICE,)
    query = dict(request.query_params)
    visible = [c for c in all_cases(turn.db) if office_only or handling_role(who.person, c)]
    rows = sorted(
        _filtered(visible, query, today),
        key=lambda c: (next_deadline(c) is None, (next_deadline(c) or ("", ""))[1], c.id),
    )
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(int(query["page"]) if query.get("page", "").isdigit() else 1, 1), pages)
    rows, total = rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS], len(rows)
    return console.page(
        request,
        "cases",
        who,
        rows=rows,
        total=total,
        current=page,
        pages=pages,
        others={k: v for k, v in query.items() if k != "page"},
        due={c.reference: next_deadline(c) for c in rows},
        overdue={c.reference for c in rows if is_overdue(c, today)},
        reference_only=office_only,
        query=query,
        statuses=STATUSES,
        kinds=KINDS,
        classes=turn.casework.classes,
    )


def _case_or_404(turn: Turn, action: str, reference: str) -> tuple[Turn, Case]:
    """The case and the turn in the role that handles it; a 404 for anyone else."""
    try:
        return inbox.guard(turn, action, reference, acting=False)
    except inbox.Refused as error:
        raise HTTPException(404, "no-case") from error


async def case_page(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    turn, case = _case_or_404(console.turn(who), "view", request.path_params["reference"])
    return console.page(
        request,
        "case",
        who,
        case=case,
        casework=turn.casework,
        acting_as=turn.casework.holder(turn.person.role),
        overdue=is_overdue(case, school_today(turn.now)),
        timeline=timeline_of(turn.db, case.id),
        audit_trail=audit_of(turn.db, case.reference),
        files=files_of(turn.db, case.id),
        can_act=case.status not in inbox.CLOSED,
        can_escalate=next_up(case.assignee_role, case.about, turn.casework) is not None,
        done=request.query_params.get("done", ""),
        max_text=MAX_TEXT,
    )


async def case_file(request: Request) -> Response:
    """A file sent with the case, for those who may see the case only."""
    console: Console = request.app.state.console
    turn, case = _case_or_404(
        console.turn(console.signed_in(request)), "file", request.path_params["reference"]
    )
    stored = next(
        (f for f in files_of(turn.db, case.id) if f.id == request.path_params["file_id"]), None
    )
    root = data_dir(turn.db)
    if stored is None or stored.path is None or root is None or not (root / stored.path).is_file():
        raise HTTPException(404, "no-file")
    inline = stored.mime_type in INLINE_TYPES
    return FileResponse(
        root / stored.path,
        media_type=stored.mime_type if inline else "application/octet-stream",
        filename=stored.file_name or f"file-{stored.id}",
        content_disposition_type="inline" if inline else "attachment",
    )


async def case_action(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    action, reference = request.path_params["action"], request.path_params["reference"]
    if action not in ACTIONS:
        raise HTTPException(404, "no-action")
    fields = await console.form(request, who)
    turn = console.turn(who)
    before = case_by_reference(turn.db, reference)
    try:
        if action in WRITTEN:
            written, field = WRITTEN[action]
            written(turn, reference, _text(fields, field))
        else:
            {"acknowledge": inbox.acknowledge, "escalate": inbox.escalate}[action](turn, reference)
    except inbox.Refused as error:
        if error.polite and before is not None and handling_role(who.person, before):
            raise HTTPException(409, error.polite) from error
        raise HTTPException(404, "no-case") from error
    after = case_by_reference(turn.db, reference)
    if action == "escalate" and before and after and after.assignee_role == before.assignee_role:
        action = "not-escalated"
    shown = after.reference if after else reference
    return RedirectResponse(f"/cases/{shown}?done={action}", 303)


# -- figures --------------------------------------------------------------------------------
async def report_page(request: Request) -> Response:
    console: Console = request.app.state.console
    who, turn = console.page_turn(request, SEE_FIGURES, "report")
    today = school_today(turn.now)
    cases = all_cases(turn.db)
    choices = periods(turn.casework, cases, today)
    period = next((p for p in choices if p.key == request.query_params.get("period", "all")), None)
    if period is None:
        raise HTTPException(404, "no-period")
    chosen = [c for c in cases if period.holds(c)]
    return console.page(
        request,
        "report",
        who,
        period=period,
        periods=choices,
        summary=review.summarise(chosen, today),
        monthly=monthly_chart(per_month(chosen)),
        acknowledge=bar_chart(acknowledge_times(chosen)),
    )


async def export_csv(request: Request) -> Response:
    console: Console = request.app.state.console
    _, turn = console.page_turn(request, SEE_FIGURES, "export")
    since = request.query_params.get("since", "")
    try:
        cases = (
            cases_since(turn.db, date.fromisoformat(since).isoformat())
            if since
            else all_cases(turn.db)
        )
    except ValueError as error:
        raise HTTPException(400, "bad-date") from error
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=review.EXPORT_FIELDS)
    writer.writeheader()
    for case in cases:
        # Every case counts in the figures, but who opened it, and when, only for those who
        # may open it themselves: never a headteacher's view of a complaint about them.
        may_open = handling_role(turn.person, case) is not None
        trail = audit_of(turn.db, case.reference) if may_open else []
        writer.writerow(review.export_row(case, trail))
    name = f"cases-since-{since or 'start'}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- knowledge gaps -------------------------------------------------------------------------
async def gaps_page(request: Request) -> Response:
    console: Console = request.app.state.console
    who, turn = console.page_turn(request, SEE_GAPS, "gaps")
    return console.page(
        request,
        "gaps",
        who,
        gaps=gap_review.open_gaps(turn.db),
        entries=turn.knowledge.curated.entries,
        topics=[t for t in turn.knowledge.curated.out_of_scope if not t.id.startswith("gap-")],
        accepted=accepted_phrasings(turn.db)[::-1][:20],
        done=request.query_params.get("done", ""),
    )


async def gaps_decide(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    fields = await console.form(request, who)
    decision = Decision(
        example=fields.get("example", ""),
        decision=fields.get("decision", ""),
        target=fields.get("target") or None,
        pointer=fields.get("pointer", "")[: gap_review.MAX_POINTER + 1] or None,
        phrasing=fields.get("phrasing", "")[: gap_review.MAX_PHRASING + 1] or None,
    )
    try:
        gap_review.decide(console.turn(who), decision)
    except GapDecisionError as error:
        raise HTTPException(400, str(error)) from error
    except PermissionError as error:
        raise HTTPException(403, "role") from error
    return RedirectResponse(f"/gaps?done={decision.decision}", 303)


async def gaps_export(request: Request) -> Response:
    console: Console = request.app.state.console
    _, turn = console.page_turn(request, SEE_GAPS, "gaps-export")
    return Response(
        gap_review.answers_toml(turn.knowledge, turn.db),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="answers.toml"'},
    )


# -- staff ----------------------------------------------------------------------------------
def _staff_page(request: Request, who: SignedIn, turn: Turn, **extra: Any) -> HTMLResponse:
    console: Console = request.app.state.console
    return console.page(
        request,
        "staff",
        who,
        members=staff_members(turn.db),
        pending=pending_invites(turn.db, turn.now),
        roles=staff.ROLES,
        classes=turn.casework.classes,
        casework=turn.casework,
        invited=extra.get("invited"),
        revoked=extra.get("revoked"),
    )


async def staff_page(request: Request) -> Response:
    who, turn = request.app.state.console.page_turn(request, MANAGE_STAFF, "staff")
    return _staff_page(request, who, turn)


async def staff_invite(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    fields = await console.form(request, who)
    _, turn = console.page_turn(request, MANAGE_STAFF, "staff-invite", who)
    name = _text(fields, "name", MAX_NAME)
    try:
        role = staff.role_for(fields.get("role", ""), fields.get("class") or None, turn.casework)
    except ValueError as error:
        raise HTTPException(400, "bad-role") from error
    code, expires = staff.invite(turn.db, role, name, turn.now)
    audit(turn, "staff-invite", None, True, detail=role)
    link = staff.deep_link(code, console.bot_username)
    invited = {
        "role": role,
        "name": name,
        "code": code,
        "link": link,
        "expires": expires,
        "qr": segno.make(link, error="m").svg_inline(scale=4, title="Invitation QR code"),
    }
    return _staff_page(request, who, turn, invited=invited)


async def staff_revoke(request: Request) -> Response:
    console: Console = request.app.state.console
    who = console.signed_in(request)
    fields = await console.form(request, who)
    _, turn = console.page_turn(request, MANAGE_STAFF, "staff-revoke", who)
    person_id = fields.get("person", "")
    if person_id not in {m.person_id for m in staff_members(turn.db)}:
        raise HTTPException(400, "not-registered")
    revoke_staff(turn.db, person_id, turn.now)
    audit(turn, "staff-revoke", None, True, detail=person_id)
    return _staff_page(request, who, turn, revoked=person_id)


# -- plumbing -------------------------------------------------------------------------------
async def stylesheet(request: Request) -> Response:
    return Response((TEMPLATE_DIR / "web" / "console.css").read_text(), media_type="text/css")


async def not_signed_in(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/signin", 303)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    console: Console = request.app.state.console
    who = signed_in(console.db, request.cookies.get(COOKIE), console.clock())
    # a key of templates/web/error.html's messages, or wording already rendered by the core
    message = "no-page" if exc.detail == "Not Found" else exc.detail
    return console.page(
        request,
        "error",
        who,
        status=exc.status_code,
        message=message,
        limits={
            "text": MAX_TEXT,
            "name": MAX_NAME,
            "phrasing": gap_review.MAX_PHRASING,
            "pointer": gap_review.MAX_POINTER,
        },
    )


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("console error on %s", request.url.path, exc_info=exc)
    return HTMLResponse(render_page("error_plain"), status_code=500, headers=SECURITY_HEADERS)


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI, so streaming stays)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(
                        (k.lower().encode(), v.encode())
                        for k, v in SECURITY_HEADERS.items()
                        if k.lower().encode() not in existing
                    ),
                ]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def create_app(
    knowledge: Knowledge,
    db: Database,
    *,
    bot_username: str | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> Starlette:
    routes = [
        Route("/", home),
        Route("/signin", signin_page),
        Route("/login/{token}", login_page, methods=["GET"]),
        Route("/login/{token}", login, methods=["POST"]),
        Route("/signout", logout, methods=["POST"]),
        Route("/cases", case_list),
        Route("/cases/{reference}", case_page),
        Route("/cases/{reference}/files/{file_id:int}", case_file),
        Route("/cases/{reference}/{action}", case_action, methods=["POST"]),
        Route("/report", report_page),
        Route("/export.csv", export_csv),
        Route("/gaps", gaps_page, methods=["GET"]),
        Route("/gaps", gaps_decide, methods=["POST"]),
        Route("/gaps/answers.toml", gaps_export),
        Route("/staff", staff_page),
        Route("/staff/invite", staff_invite, methods=["POST"]),
        Route("/staff/revoke", staff_revoke, methods=["POST"]),
        Route("/console.css", stylesheet),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            NotSignedIn: not_signed_in,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.console = Console(knowledge, db, bot_username, clock)
    app.add_middleware(SecurityHeaders)
    return app


def serve(
    knowledge: Knowledge, db: Database, host: str, port: int, bot_username: str | None
) -> int:
    """Run the console until Ctrl-C or SIGTERM."""
    import uvicorn

    app = create_app(knowledge, db, bot_username=bot_username)
    log.info("staff web console on http://%s:%s", host, port)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
    return 0
