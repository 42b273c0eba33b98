"""scripts/_export.load_model_dir: continuing training from a shipped model directory.

A tiny random BERT stands in for the e5 base (no conversion, no training): the shipped directory has a
trimmed vocabulary whose embedding rows are the base's (fp16), and trained layers and heads. Loading it
into a model built from the base must take every layer and both heads from the shipped file and keep the
base's own embedding rows; a shipped model whose embeddings moved is refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from safetensors.torch import save_file  # noqa: E402
from transformers import BertConfig  # noqa: E402

import _export  # noqa: E402
from insight.modelling._torch_model import EncoderWithHead  # noqa: E402

BASE_PIECES = ["<pad>", "<s>", "</s>", "<unk>", "good", "bad", "setup", "was", "effortless", "kötü", "gut"]
SHIPPED_PIECES = ["<pad>", "<s>", "</s>", "<unk>", "bad", "good", "gut"]  # trimmed, another order


def _tokenizer(pieces: list[str], path: Path) -> None:
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel({p: i for i, p in enumerate(pieces)}, unk_token="<unk>"))
    tok.save(str(path))


def _config(vocab: int) -> BertConfig:
    return BertConfig(vocab_size=vocab, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=32, max_position_embeddings=32, type_vocab_size=1)


def _model(vocab: int, seed: int) -> EncoderWithHead:
    torch.manual_seed(seed)
    return EncoderWithHead(_config(vocab), num_labels=3, pooling="mean", num_emotions=8)


@pytest.fixture()
def dirs(tmp_path):
    base_dir, shipped_dir = tmp_path / "base", tmp_path / "shipped"
    base_dir.mkdir()
    shipped_dir.mkdir()
    _tokenizer(BASE_PIECES, base_dir / "tokenizer.json")
    _tokenizer(SHIPPED_PIECES, shipped_dir / "tokenizer.json")
    base = _model(len(BASE_PIECES), seed=1)
    trained = _model(len(SHIPPED_PIECES), seed=2)  # every layer and head differs from the base
    emb = _export.WORD_EMBEDDINGS
    rows = [BASE_PIECES.index(p) for p in SHIPPED_PIECES]
    state = trained.state_dict()
    state[emb] = base.state_dict()[emb][rows].clone()  # frozen in training: the base's rows, trimmed
    state = {k: v.half().contiguous() for k, v in state.items()}
    save_file(state, str(shipped_dir / "model.safetensors"))
    (shipped_dir / "config.json").write_text(json.dumps(_config(len(SHIPPED_PIECES)).to_dict()))
    return base, base_dir, shipped_dir, state


def test_layers_and_heads_from_the_shipped_model_embeddings_from_the_base(dirs):
    base, base_dir, shipped_dir, shipped = dirs
    base_emb = base.state_dict()[_export.WORD_EMBEDDINGS].clone()
    _export.load_model_dir(base, shipped_dir, base_dir)
    got = base.state_dict()
    assert torch.equal(got[_export.WORD_EMBEDDINGS], base_emb)  # all base rows, fp32, untouched
    for k, v in shipped.items():
        if k != _export.WORD_EMBEDDINGS:
            assert got[k].dtype == torch.float32
            assert torch.equal(got[k], v.float()), k
    assert torch.equal(got["classifier.weight"], shipped["classifier.weight"].float())
    assert torch.equal(got["emotion.weight"], shipped["emotion.weight"].float())


def test_a_model_whose_embeddings_were_trained_is_refused(dirs):
    base, base_dir, shipped_dir, shipped = dirs
    moved = dict(shipped)
    moved[_export.WORD_EMBEDDINGS] = (shipped[_export.WORD_EMBEDDINGS].float() + 0.05).half()
    save_file(moved, str(shipped_dir / "model.safetensors"))
    before = {k: v.clone() for k, v in base.state_dict().items()}
    with pytest.raises(ValueError, match="word embeddings differ"):
        _export.load_model_dir(base, shipped_dir, base_dir)
    assert all(torch.equal(before[k], v) for k, v in base.state_dict().items())  # nothing loaded


def test_a_model_of_another_shape_is_refused(dirs, tmp_path):
    _, base_dir, shipped_dir, _ = dirs
    bigger = EncoderWithHead(BertConfig(**{**_config(len(BASE_PIECES)).to_dict(), "num_hidden_layers": 3}),
                             num_labels=3, pooling="mean", num_emotions=8)
    base = _model(len(BASE_PIECES), seed=1)
    state = {k: v.half().contiguous() for k, v in bigger.state_dict().items()}
    rows = [BASE_PIECES.index(p) for p in SHIPPED_PIECES]
    state[_export.WORD_EMBEDDINGS] = base.state_dict()[_export.WORD_EMBEDDINGS][rows].half().contiguous()
    save_file(state, str(shipped_dir / "model.safetensors"))
    before = {k: v.clone() for k, v in base.state_dict().items()}
    with pytest.raises(ValueError, match="do not fit"):
        _export.load_model_dir(base, shipped_dir, base_dir)
    assert all(torch.equal(before[k], v) for k, v in base.state_dict().items())  # nothing loaded
