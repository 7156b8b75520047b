"""A hypothesis state machine for two-way sync: random edits of contacts on both sides (values
set and cleared), time passing, runs, and runs that die between any two requests to either
service (before or after the service applied the request), each followed by the next run.
After every run both sides equal a reference model of the rule kept from the edits alone; a
final run writes nothing (no loop) and nothing is duplicated."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from hubqbo.hubspot import HubSpotClient
from hubqbo.mapping import Direction
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sync import ConflictRule, ObjectSync, SyncConfig
from tests.sync._twoway_model import Model
from tests.sync._world import World, make_world, props

FIELDS = {"firstname": "GivenName", "lastname": "FamilyName", "phone": "PrimaryPhone"}
VALUES = st.sampled_from(["", "x", "y", "z"])
N = 3


class Crash(BaseException):
    """The process dies here."""


class Crashing(httpx.BaseTransport):
    """A sandbox whose ``crash_at``-th request (counted over both services) dies before or
    after the sandbox applied it."""

    def __init__(self, inner: httpx.BaseTransport, counter: list[int]) -> None:
        self.inner = inner
        self.counter = counter
        self.crash_at: list[int | None] = [None]
        self.after_apply = [False]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counter[0] += 1
        if self.crash_at[0] is not None and self.counter[0] == self.crash_at[0]:
            self.crash_at[0] = None
            if self.after_apply[0]:
                self.inner.handle_request(request)
            raise Crash
        return self.inner.handle_request(request)


class TwoWayMachine(RuleBasedStateMachine):
    world: World

    @initialize(rule=st.sampled_from([ConflictRule.QBO_WINS, ConflictRule.HUBSPOT_WINS]))
    def start(self, rule: ConflictRule) -> None:
        self.world = w = make_world()
        self.counter = [0]
        self.hs_transport = Crashing(w.hs, self.counter)
        self.qbo_transport = Crashing(w.qbo, self.counter)
        self.qbo_transport.crash_at = self.hs_transport.crash_at  # one shared crash point
        self.qbo_transport.after_apply = self.hs_transport.after_apply
        w.crm = HubSpotClient(
            access_token="pat", transport=self.hs_transport, clock=w.clock, sleep=w.clock.sleep
        )
        w.ledger = QuickBooksClient(
            realm_id=w.realm,
            access_token="t",
            transport=self.qbo_transport,
            clock=w.clock,
            sleep=w.clock.sleep,
        )
        self.config = SyncConfig(
            contacts=ObjectSync(direction=Direction.BOTH),
            products=ObjectSync.off(),
            conflict_rule=rule,
        )
        self.model = Model(rule)
        self.qbo_ids = []
        for n in range(N):
            qid = w.customer(
                f"Customer {n}",
                GivenName=f"g{n}",
                FamilyName=f"f{n}",
                PrimaryEmailAddr={"Address": f"c{n}@m.example"},
                PrimaryPhone={"FreeFormNumber": f"p{n}"},
            )
            self.qbo_ids.append(qid)
            for name, first in (("firstname", f"g{n}"), ("lastname", f"f{n}"), ("phone", f"p{n}")):
                key = (n, name)
                self.model.qbo[key] = self.model.hs[key] = self.model.base[key] = first
        assert self.engine().run().ok
        links = {link.qbo_id: link.hubspot_id for link in w.store.links("acme", "contacts")}
        self.hs_ids = [links[q] for q in self.qbo_ids]

    def engine(self, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.world.engine(self.config, **kwargs)

    @rule(n=st.integers(0, N - 1), name=st.sampled_from(sorted(FIELDS)), value=VALUES)
    def edit_qbo(self, n: int, name: str, value: str) -> None:
        field = FIELDS[name]
        body = {"FreeFormNumber": value} if field == "PrimaryPhone" else value
        self.world.edit("Customer", self.qbo_ids[n], **{field: body})
        self.model.qbo[(n, name)] = value
        self.world.later(1)

    @rule(n=st.integers(0, N - 1), name=st.sampled_from(sorted(FIELDS)), value=VALUES)
    def edit_hubspot(self, n: int, name: str, value: str) -> None:
        self.world.hs.update("contacts", self.hs_ids[n], {name: value})
        self.model.hs[(n, name)] = value
        self.world.later(1)

    @rule()
    def run(self) -> None:
        self.world.later(1)
        assert self.engine().run().ok
        self.model.run()

    @rule(
        n=st.integers(0, N - 1),
        name=st.sampled_from(sorted(FIELDS)),
        values=st.lists(VALUES, min_size=2, max_size=2, unique=True),
    )
    def fight(self, n: int, name: str, values: list[str]) -> None:
        """Something outside puts a field back on each side between runs (a workflow and an
        automation): four runs; the model says when the record is quarantined."""
        for turn in range(4):
            if turn % 2:
                self.edit_qbo(n, name, values[1])
            else:
                self.edit_hubspot(n, name, values[0])
            self.run()

    @rule(at=st.integers(min_value=1, max_value=12), after=st.booleans())
    def run_crash_and_resume(self, at: int, after: bool) -> None:
        """A run dies at its ``at``-th request; the next process runs again at once."""
        self.world.later(1)
        self.counter[0] = 0
        self.hs_transport.crash_at[0] = at
        self.hs_transport.after_apply[0] = after
        try:
            self.engine(lease_ttl=dt.timedelta(seconds=1)).run()
        except Crash:
            self.world.later(1)  # its lease expires
        self.hs_transport.crash_at[0] = None
        for _ in range(3):  # a run whose write failed moves no cursor: the next one completes
            self.world.later(1)
            if self.engine().run().ok:
                break
        self.model.run()

    @invariant()
    def sides_match_the_model(self) -> None:
        if not hasattr(self, "world"):
            return
        w = self.world
        for n, qid in enumerate(self.qbo_ids):
            customer = w.qbo.get(w.realm, "Customer", qid) or {}
            contact = props(w.hs.get("contacts", self.hs_ids[n]) or {})
            for name, field in FIELDS.items():
                raw = customer.get(field)
                qbo = (raw or {}).get("FreeFormNumber") if field == "PrimaryPhone" else raw
                assert (qbo or "") == self.model.qbo[(n, name)], (n, name, "qbo")
                assert (contact.get(name) or "") == self.model.hs[(n, name)], (n, name, "hs")

    def teardown(self) -> None:
        if not hasattr(self, "world"):
            return
        w = self.world
        self.run()
        self.sides_match_the_model()
        for _ in range(2):
            w.later(1)
            assert self.engine().run().applied == 0  # settled: nothing loops
        contacts = [props(c) for c in w.contacts()]
        assert len(contacts) == N
        assert max(Counter(c["hubqbo_id"] for c in contacts).values()) == 1
        assert len(w.qbo.records(w.realm, "Customer")) == N
        w.store.close()


TwoWayMachine.TestCase.settings = settings(
    max_examples=int(__import__("os").environ.get("TWOWAY_EXAMPLES", "15")),
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestTwoWay = TwoWayMachine.TestCase
