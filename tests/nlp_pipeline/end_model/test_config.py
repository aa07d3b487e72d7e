import json

import pytest

from corpora.errors import ConfigError
from nlp_pipeline.end_model import EndModelConfig, bio_labels


@pytest.mark.parametrize("field,value,needle", [
    ("epochs", -1, "epochs"),
    ("epochs", 1.5, "epochs"),
    ("batch_size", 0, "batch_size"),
    ("max_length", 4, "max_length"),
    ("stride", 300, "stride"),
    ("learning_rate", 0, "learning_rate"),
    ("learning_rate", "fast", "learning_rate"),
    ("label_mode", "hard", "label_mode"),
    ("confidence_threshold", 1.5, "confidence_threshold"),
    ("confidence_threshold", 0, "confidence_threshold"),
    ("labels", ["B-Chemical"], "labels"),
    ("labels", ["X", "X"], "duplicates"),
    ("num_threads", 0, "num_threads"),
    ("seed", True, "seed"),
])
def test_bad_values_raise_value_error_naming_the_field(field, value, needle):
    with pytest.raises(ValueError) as info:
        EndModelConfig(**{field: value})
    assert needle in str(info.value)
    assert isinstance(info.value, ConfigError) and info.value.code == "CL-MODEL001"


def test_defaults_are_valid_and_labels_accept_comma_string():
    cfg = EndModelConfig(labels="Chemical, Disease")
    assert cfg.labels == ["Chemical", "Disease"]
    assert bio_labels(cfg.labels) == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]


def test_toml_and_json_files_feed_the_same_object(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[end_model]\nepochs = 2\nlabel_mode = \"threshold\"\nlabels = [\"Disease\"]\n")
    js = tmp_path / "c.json"
    js.write_text(json.dumps({"epochs": 2, "label_mode": "threshold", "labels": ["Disease"]}))
    assert EndModelConfig.from_file(toml) == EndModelConfig.from_file(js)
    cfg = EndModelConfig.from_file(toml).replace(epochs=5, seed=None)
    assert cfg.epochs == 5 and cfg.seed == EndModelConfig().seed and cfg.label_mode == "threshold"


def test_file_errors_are_located(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("epochs = 2\nwarp_speed = 9\n")
    with pytest.raises(ConfigError) as info:
        EndModelConfig.from_file(bad)
    assert "warp_speed" in str(info.value) and str(bad) in str(info.value)
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  \"epochs\": ,\n}")
    with pytest.raises(ConfigError) as info:
        EndModelConfig.from_file(broken)
    assert f"{broken}:2:" in str(info.value)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("epochs = -3\n")
    with pytest.raises(ConfigError) as info:
        EndModelConfig.from_file(wrong)
    assert str(wrong) in str(info.value) and "epochs" in str(info.value)
    with pytest.raises(ConfigError):
        EndModelConfig.from_file(tmp_path / "missing.toml")
