"""The torch module behind both shipped models (imports torch: load only when needed).

A BERT encoder (all-MiniLM-L6-v2 architecture) with a linear head, either over the mean of the
token vectors (``pooling="mean"``: sequence classification) or over every token
(``pooling="none"``: token classification / BIO tagging).
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import BertConfig, BertModel


class EncoderWithHead(nn.Module):
    def __init__(self, config: BertConfig, num_labels: int, pooling: str = "mean", dropout: float = 0.1):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, num_labels)
        self.pooling = pooling

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        if self.pooling == "mean":
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            hidden = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(self.dropout(hidden))

    @classmethod
    def from_base(cls, base_dir: str, num_labels: int, pooling: str) -> "EncoderWithHead":
        """Start from a pretrained BERT-format directory (the sentence-transformers MiniLM)."""
        config = BertConfig.from_pretrained(base_dir)
        model = cls(config, num_labels, pooling)
        base = BertModel.from_pretrained(base_dir, add_pooling_layer=False, dtype=torch.float32)
        model.encoder.load_state_dict(base.state_dict())
        return model
