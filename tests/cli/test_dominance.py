"""``shaping check-dominance`` on a tiny RM: the report per scheme and the CI exit status."""

from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from cli.main import main
from shaping.models import encoder_path
from tests.benchmarks.test_composition import write_responses


def test_check_dominance_cli(tmp_path, capsys):
    responses = write_responses(tmp_path / "responses.jsonl")
    tokenizer = AutoTokenizer.from_pretrained(encoder_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=37, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(tmp_path / "rm")
    tokenizer.save_pretrained(tmp_path / "rm")
    code = main(["check-dominance", str(responses), "--rm", str(tmp_path / "rm"), "--add-abstentions",
                 "--scheme", "dominance-safe", "--fail-on-violation"])
    printed = capsys.readouterr().out
    assert code == 0 and "== dominance-safe" in printed and "violation rate 0.0%" in printed
    assert main(["check-dominance", str(responses), "--rm", str(tmp_path / "rm")]) == 0  # all three schemes
    printed = capsys.readouterr().out
    assert all(f"== {name}" in printed for name in ("rm", "sum", "dominance-safe"))
