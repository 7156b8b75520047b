"""``hubqbo worker`` and ``hubqbo webhooks serve`` refuse a bad ``--app`` with the config exit
code, and list themselves in the help."""

from __future__ import annotations

import io

import pytest

from hubqbo.cli import main


@pytest.mark.parametrize(
    ("app", "code", "words"),
    [
        ("no_colon", 2, "expected module:attribute"),
        ("hubqbo_no_such_module:workers", 3, "cannot import"),
        ("hubqbo.sync:SyncEngine", 3, "not a hubqbo.workers.Workers"),
    ],
)
def test_worker_refuses_a_bad_app(
    app: str, code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worker", "--app", app], out=io.StringIO()) == code
    assert words in capsys.readouterr().err


def test_the_commands_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "Run a worker: tenants' syncs and sweeps." in text
    assert "The webhook receiver." in text
    assert main(["webhooks", "serve", "--help"]) == 0
    assert "HUBQBO_QBO_VERIFIER_TOKEN" in capsys.readouterr().out
