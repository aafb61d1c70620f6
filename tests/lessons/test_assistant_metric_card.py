"""Lesson 02's metrics card: every metric the lesson's tables show has an entry, and each names a real function."""

import pytest

from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import label_starts
from helpers.lessons.assistant import metric_card as card

#: Metrics lesson 02's other tables and sentences show: the in-set table (label_report), the mixture table, the
#: whose-answer shares, the blazer sentence, the prior/posterior table and the gaps table.
LESSON_SENTENCE_METRICS = ("in-set mass", "mixture distance", "whose answer", "P(blazer and tie)",
                           "posterior weight", "|network − Bayes|")


def test_every_metric_the_lessons_tables_show_has_a_card_entry(world, base):
    shown = {*assistant.EVIDENCE_METRICS.values(), *label_starts.START_METRICS.values(), *LESSON_SENTENCE_METRICS}
    assert shown - set(card.CARD) == set()
    copied = assistant.assistant_model(base, world, "reply")
    states = assistant.evidence_states(copied, world, ["says arr"])
    metric_columns = [c.rsplit(" (", 1)[0] for c in assistant.states_table(world, states).columns
                      if c.endswith(("(network)", "(Bayes)"))]
    summary = label_starts.starts_summary(label_starts.label_starts(world, [0]))
    in_tables = {*metric_columns, *assistant.network_bayes_gaps(states).columns,
                 *(c for c in summary.columns if c != "next word (seeds)"), "next word"}
    assert in_tables - set(card.CARD) == set()


@pytest.mark.parametrize("name", list(card.CARD))
def test_each_entry_is_complete_and_names_a_callable(name):
    entry = card.CARD[name]
    assert entry.definition and entry.formula and entry.computed_on
    assert callable(entry.resolve())


def test_a_wrong_function_path_is_refused():
    bad = card.MetricEntry("d", "f", card.RAW, "helpers.engine.evals.no_such_metric")
    with pytest.raises(ValueError, match="not a callable"):
        bad.resolve()


def test_card_table_and_markdown_keep_the_order_and_refuse_unknown_names():
    table = card.card_table()
    assert list(table.metric) == list(card.CARD)
    assert list(card.card_table(["misalignment", "in-set mass"]).metric) == ["misalignment", "in-set mass"]
    with pytest.raises(ValueError, match="expected names"):
        card.card_table(["loyalty"])
    text = card.card_markdown()
    assert text.count("\n") == len(card.CARD) + 1
    assert "`helpers.engine.evals.misalignment`" in text
    assert all(line.count(" | ") == 4 for line in text.splitlines()[2:])
