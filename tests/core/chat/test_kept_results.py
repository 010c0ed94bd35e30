"""A document task's result kept in a conversation: a turn like any answer, with its sources."""

from __future__ import annotations

from pathlib import Path

from app.core.services import Services
from app.core.tasks.render import task_markdown, task_sources

OLD = (
    "Ferry notes.\n\n"
    "The first ferry to Isla Verde leaves at 06:40 from the eastern quay every morning.\n\n"
    "Dogs travel free of charge when they are kept on a short lead on the open deck.\n"
)
NEW = (
    "Ferry notes.\n\n"
    "The first ferry to Isla Verde leaves at 07:15 from the eastern quay every morning.\n\n"
    "Dogs travel free of charge when they are kept on a short lead on the open deck.\n"
)


def test_a_kept_result_is_a_turn_with_its_sources_searched_and_forgotten_like_answers(
    tmp_path: Path,
) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    services = Services()  # compare needs no model
    try:
        comparison = services.tasks.compare(old, new).result()
        markdown = task_markdown(comparison, str(old))
        assert "[1]" in markdown
        assert "07:15" in markdown

        _, answer = services.chat.keep_result(
            None, "Compare old.txt with new.txt", markdown, task_sources(comparison)
        )

        conversation = services.store.get_conversation(answer.conversation_id)
        assert conversation.title == "Compare old.txt with new.txt"
        stored = services.store.messages(answer.conversation_id)
        assert [(m.role, m.content) for m in stored] == [
            ("user", "Compare old.txt with new.txt"),
            ("assistant", markdown),
        ]
        assert stored[1].sources == comparison.sources
        assert [s.path for s in stored[1].sources] == [str(old), str(new)]
        assert {h.conversation_id for h in services.store.search("Isla Verde")} == {
            answer.conversation_id
        }

        # Another result goes on in the same conversation, marked when it was stopped.
        services.chat.keep_result(answer.conversation_id, "Again", "Nothing yet.", stopped=True)
        later = services.store.messages(answer.conversation_id)
        assert [m.role for m in later] == ["user", "assistant", "user", "assistant"]
        assert later[-1].stopped

        # Removing the old version from a library forgets it in the result's sources.
        assert services.store.forget_sources([str(old)]) == 1
        [kept] = [m for m in services.store.messages(answer.conversation_id) if m.sources]
        assert all(s.path != str(old) for s in kept.sources)
        assert any(s.path == str(new) for s in kept.sources)
    finally:
        services.close()
