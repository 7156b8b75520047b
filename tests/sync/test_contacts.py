"""Contact sync (F) scenarios, through the public API against both sandboxes."""

from __future__ import annotations

from hubqbo.sync import (
    Action,
    DeletePolicy,
    ObjectKind,
    ObjectSync,
    SkipReason,
    SyncConfig,
    WritePolicy,
    with_email,
)
from tests.sync._world import World, by_email, props

CONTACTS_ONLY = SyncConfig(products=ObjectSync.off())


def test_backfill_creates_contacts_then_a_rerun_writes_nothing(world: World) -> None:
    world.customer(
        "Acme Inc",
        GivenName="Ann",
        FamilyName="Lee",
        PrimaryEmailAddr={"Address": "ann@acme.example"},
    )
    world.customer("Globex", PrimaryEmailAddr={"Address": "hank@globex.example"})
    engine = world.engine(CONTACTS_ONLY)

    plan = engine.plan()
    assert plan.of(ObjectKind.CONTACTS).count(Action.CREATE) == 2
    assert world.contacts() == []  # the plan wrote nothing
    result = engine.apply(plan)
    assert result.ok
    assert result.applied == 2
    assert result.cursors_moved
    people = by_email(world)
    assert people["ann@acme.example"]["firstname"] == "Ann"
    assert people["ann@acme.example"]["hubqbo_id"].startswith(f"{world.realm}:")
    assert not people["hank@globex.example"].get("firstname")  # an e-mail, no name given

    writes = world.hubspot_writes()
    world.later()
    again = engine.run()
    assert again.applied == 0
    assert again.ok
    assert world.hubspot_writes() == writes
    assert len(world.contacts()) == 2


def test_an_incremental_run_writes_only_the_change(world: World) -> None:
    ann = world.customer("Ann Lee", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@a.example"})
    world.customer("Bo Ng", GivenName="Bo", PrimaryEmailAddr={"Address": "bo@b.example"})
    engine = world.engine(CONTACTS_ONLY)
    engine.run()
    world.later()
    world.edit("Customer", ann, GivenName="Annie")
    world.later()

    plan = engine.plan()
    ops = plan.of(ObjectKind.CONTACTS).operations
    assert [(op.action, op.qbo_id) for op in ops] == [(Action.UPDATE, ann)]
    assert [(c.name, c.before, c.after) for c in ops[0].changes] == [("firstname", "Ann", "Annie")]
    assert engine.apply(plan).applied == 1
    assert by_email(world)["ann@a.example"]["firstname"] == "Annie"
    assert engine.run().applied == 0


def test_existing_contacts_are_linked_by_email_not_duplicated(world: World) -> None:
    existing = world.hs.create("contacts", {"email": "ann@acme.example", "firstname": "A."})
    world.customer("Acme Inc", GivenName="Ann", PrimaryEmailAddr={"Address": "Ann@Acme.example"})
    engine = world.engine(CONTACTS_ONLY)

    plan = engine.plan()
    (op,) = plan.of(ObjectKind.CONTACTS).operations
    assert op.action is Action.UPDATE
    assert op.hubspot_id == existing
    engine.apply(plan)
    assert [c["id"] for c in world.contacts()] == [existing]
    assert props(world.contacts()[0])["firstname"] == "Ann"
    assert props(world.contacts()[0])["hubqbo_id"] == f"{world.realm}:{op.qbo_id}"


def test_linking_never_clears_what_hubspot_holds_where_qbo_is_blank(world: World) -> None:
    existing = world.hs.create(
        "contacts",
        {"email": "mary@acme.example", "firstname": "Mary", "phone": "+1 415 555 0100"},
    )
    world.customer(
        "Acme Inc", FamilyName="Major", PrimaryEmailAddr={"Address": "mary@acme.example"}
    )
    engine = world.engine(CONTACTS_ONLY)

    (op,) = engine.plan().of(ObjectKind.CONTACTS).operations
    assert op.hubspot_id == existing
    assert "firstname" not in op.properties
    assert "phone" not in op.properties
    shown = {c.name for c in op.changes}
    assert "lastname" in shown
    assert shown <= set(op.properties)  # the plan shows only what it writes
    assert engine.run().ok
    kept = props(world.contacts()[0])
    assert (kept["firstname"], kept["phone"], kept["lastname"]) == (
        "Mary",
        "+1 415 555 0100",
        "Major",
    )
    world.later()
    assert engine.run().applied == 0  # the blanks are in the base: no write on the next run


def test_existing_contacts_are_linked_by_the_matcher_one_to_one(world: World) -> None:
    existing = world.hs.create(
        "contacts", {"firstname": "William", "lastname": "O'Neill", "phone": "+1 415 555 0132"}
    )
    world.customer(
        "Bill ONeill",
        GivenName="Bill",
        FamilyName="ONeill",
        PrimaryPhone={"FreeFormNumber": "(415) 555-0132"},
    )
    engine = world.engine(CONTACTS_ONLY)
    (op,) = engine.plan().of(ObjectKind.CONTACTS).operations
    assert op.action is Action.UPDATE
    assert op.hubspot_id == existing


def test_two_customers_with_one_email_stay_unlinked_for_a_person(world: World) -> None:
    contact = world.hs.create("contacts", {"email": "office@shared.example"})
    a = world.customer("Shared A", PrimaryEmailAddr={"Address": "office@shared.example"})
    b = world.customer("Shared B", PrimaryEmailAddr={"Address": "office@shared.example"})
    engine = world.engine(CONTACTS_ONLY)
    plan = engine.plan()
    contacts = plan.of(ObjectKind.CONTACTS)
    assert contacts.operations == ()
    assert {x.qbo_id for x in contacts.ambiguous} == {a, b}
    assert "ambiguous" in str(plan)

    engine.link(ObjectKind.CONTACTS, a, contact)
    engine.run()
    assert len(world.contacts()) == 1
    assert props(world.contacts()[0])["hubqbo_id"] == f"{world.realm}:{a}"
    world.edit("Customer", b, Notes="touched")  # re-read: still held back, never duplicated
    world.later()
    assert engine.plan().of(ObjectKind.CONTACTS).skipped_for(SkipReason.AMBIGUOUS) == 1
    assert engine.run().ok
    assert len(world.contacts()) == 1


def test_update_only_creates_nothing(world: World) -> None:
    world.customer("Acme", PrimaryEmailAddr={"Address": "ann@acme.example"})
    engine = world.engine(
        SyncConfig(contacts=ObjectSync(write=WritePolicy.UPDATE_ONLY), products=ObjectSync.off())
    )
    plan = engine.plan()
    assert plan.of(ObjectKind.CONTACTS).skipped_for(SkipReason.NOT_LINKED) == 1
    engine.apply(plan)
    assert world.contacts() == []


def test_filter_applies_when_a_record_is_first_linked(world: World) -> None:
    world.customer("No Mail Ltd")
    world.customer("Mail Ltd", PrimaryEmailAddr={"Address": "m@mail.example"})
    engine = world.engine(
        SyncConfig(contacts=ObjectSync(filter=with_email), products=ObjectSync.off())
    )
    plan = engine.plan()
    assert plan.of(ObjectKind.CONTACTS).skipped_for(SkipReason.FILTERED) == 1
    engine.apply(plan)
    assert list(by_email(world)) == ["m@mail.example"]


def test_bad_data_is_reported_and_skipped_without_stopping_the_run(world: World) -> None:
    world.customer("Two Mails", PrimaryEmailAddr={"Address": "a@x.example, b@x.example"})
    world.customer("Broken Mail", PrimaryEmailAddr={"Address": "not-an-email"})
    world.customer("Fine", PrimaryEmailAddr={"Address": "fine@x.example"})
    engine = world.engine(CONTACTS_ONLY)
    plan = engine.plan()
    texts = sorted(x.text for x in plan.needs_attention)
    assert len(texts) == 2
    assert any("holds one address, the source has 2" in t for t in texts)
    assert any("not an e-mail address" in t for t in texts)
    assert engine.apply(plan).ok
    assert list(by_email(world)) == ["fine@x.example"]


def test_sub_customers_are_left_out(world: World) -> None:
    parent = world.customer("Parent Co", PrimaryEmailAddr={"Address": "p@p.example"})
    world.customer(
        "Job 1",
        ParentRef={"value": parent},
        Job=True,
        PrimaryEmailAddr={"Address": "job@p.example"},
    )
    engine = world.engine(CONTACTS_ONLY)
    plan = engine.plan()
    assert plan.of(ObjectKind.CONTACTS).skipped_for(SkipReason.SUB_CUSTOMER) == 1
    engine.apply(plan)
    assert list(by_email(world)) == ["p@p.example"]


def _deactivate(world: World, policy: DeletePolicy, count: int = 1) -> tuple[str, object]:
    ids = [
        world.customer(f"C{i}", PrimaryEmailAddr={"Address": f"c{i}@x.example"}) for i in range(10)
    ]
    engine = world.engine(SyncConfig(contacts=ObjectSync(delete=policy), products=ObjectSync.off()))
    engine.run()
    world.later()
    for qbo_id in ids[:count]:
        world.edit("Customer", qbo_id, Active=False)
    world.later()
    return ids[0], engine


def test_delete_policy_nothing_leaves_the_contact(world: World) -> None:
    _, engine = _deactivate(world, DeletePolicy.NOTHING)
    engine.run()
    assert len(world.contacts()) == 10
    assert all(props(c).get("hubqbo_status") in (None, "") for c in world.contacts())


def test_delete_policy_mark_writes_the_status(world: World) -> None:
    first, engine = _deactivate(world, DeletePolicy.MARK)
    plan = engine.plan()
    assert [op.action for op in plan.operations] == [Action.MARK]
    engine.apply(plan)
    statuses = {props(c)["hubqbo_id"]: props(c)["hubqbo_status"] for c in world.contacts()}
    assert statuses[f"{world.realm}:{first}"] == "inactive"
    assert sorted(statuses.values()).count("active") == 9


def test_delete_policy_archive_archives(world: World) -> None:
    _, engine = _deactivate(world, DeletePolicy.ARCHIVE)
    result = engine.run()
    assert result.counts["contacts"] == {"archive": 1}
    assert len(world.contacts()) == 9
    assert engine.run().applied == 0


def test_mass_delete_guard_holds_back_until_told(world: World) -> None:
    _, engine = _deactivate(world, DeletePolicy.ARCHIVE, count=5)
    plan = engine.plan()
    assert plan.operations == ()
    assert "held back" in (plan.of(ObjectKind.CONTACTS).refused or "")
    engine.apply(plan)
    assert len(world.contacts()) == 10
    result = engine.run(proceed=True)
    assert result.counts["contacts"] == {"archive": 5}
    assert len(world.contacts()) == 5


def test_every_value_goes_through_the_mapping_set(world: World) -> None:
    from hubqbo.mapping import ObjectPair, default_mapping_set

    world.customer(
        "Acme",
        GivenName="Ann",
        CompanyName="Acme Inc",
        PrimaryEmailAddr={"Address": "ann@acme.example"},
        PrimaryPhone={"FreeFormNumber": "555-0100"},
    )
    mappings = {ObjectKind.CONTACTS: default_mapping_set(ObjectPair.CONTACT).delete("phone")}
    engine = world.engine(SyncConfig(products=ObjectSync.off(), mappings=mappings))
    engine.run()
    person = by_email(world)["ann@acme.example"]
    assert person["company"] == "Acme Inc"
    assert not person.get("phone")  # its mapping was deleted: nothing written


def test_each_mapping_status_counts_records_written_and_refused(world: World) -> None:
    world.customer("Ann", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@a.example"})
    world.customer("Bo", GivenName="Bo", PrimaryEmailAddr={"Address": "bo@a.example"})
    world.customer("Two", GivenName="Two", PrimaryEmailAddr={"Address": "a@b.example, c@d.example"})
    engine = world.engine(CONTACTS_ONLY)
    engine.run()
    statuses = {
        s.mapping: s
        for s in world.store.mapping_statuses("acme", "contacts", "Customer", version=1)
    }
    email = statuses["email:PrimaryEmailAddr.Address"]
    assert email.written == 2
    assert email.refused == 1
    assert "holds one address" in (email.last_refusal or "")
    assert statuses["firstname:GivenName"].written == 2
