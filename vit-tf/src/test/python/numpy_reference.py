#!/usr/bin/env python3
"""Independent NumPy reference for vit-pytorch DeepViT, vit-pytorch CaiT and timm CaiT.

Works on NHWC inputs and PyTorch state_dicts (original key names and layouts), written from the
architecture descriptions in docs/ and vit-tf/fixtures/README.md, in float64.

  check DIR   recompute the logits of the deepvit, cait and timm_cait fixtures in DIR and print the
              max difference (must be ~1e-6)
  make OUT    write extra cases (other shapes, head counts, batch 3) in the fixture format to OUT

Only numpy (and scipy for erf) are needed; the generated files are committed, so the Java tests
never run Python.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
from scipy.special import erf


# ---- safetensors ----

def read_safetensors(path):
    raw = Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        b, e = spec["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(spec["shape"]).copy()
    return out


def write_safetensors(path, tensors, metadata):
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        blob = np.ascontiguousarray(t, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---- building blocks (float64) ----

def ln(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def linear(x, sd, name, bias=True):
    y = x @ sd[name + ".weight"].T
    return y + sd[name + ".bias"] if bias else y


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def heads_split(t, h):  # [B, N, h*d] -> [B, h, N, d], head outer
    b, n, c = t.shape
    return t.reshape(b, n, h, c // h).transpose(0, 2, 1, 3)


def heads_merge(t):  # [B, h, N, d] -> [B, N, h*d]
    b, h, n, d = t.shape
    return t.transpose(0, 2, 1, 3).reshape(b, n, h * d)


def vitpytorch_patches(img, p):  # NHWC -> [B, N, p*p*C], (row, col, channel) inside a patch
    b, hh, ww, c = img.shape
    x = img.reshape(b, hh // p, p, ww // p, p, c).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(b, (hh // p) * (ww // p), p * p * c)


def vitpytorch_embed(img, sd, p):
    x = vitpytorch_patches(img, p)
    x = ln(x, sd["to_patch_embedding.1.weight"], sd["to_patch_embedding.1.bias"], 1e-5)
    x = linear(x, sd, "to_patch_embedding.2")
    return ln(x, sd["to_patch_embedding.3.weight"], sd["to_patch_embedding.3.bias"], 1e-5)


def vitpytorch_ff(x, sd, net):
    h = ln(x, sd[net + ".0.weight"], sd[net + ".0.bias"], 1e-5)
    return linear(gelu(linear(h, sd, net + ".1")), sd, net + ".4")


# ---- models ----

def deepvit(sd, img, kw):
    h = kw["heads"]
    d = kw.get("dim_head", 64)
    x = vitpytorch_embed(img, sd, kw["patch_size"])
    b = x.shape[0]
    x = np.concatenate([np.broadcast_to(sd["cls_token"], (b, 1, x.shape[2])), x], 1) + sd["pos_embedding"]
    for i in range(kw["depth"]):
        a = "transformer.layers.%d.0" % i
        hn = ln(x, sd[a + ".norm.weight"], sd[a + ".norm.bias"], 1e-5)
        q, k, v = np.split(hn @ sd[a + ".to_qkv.weight"].T, 3, axis=-1)
        q, k, v = (heads_split(t, h) for t in (q, k, v))
        attn = softmax(q @ k.transpose(0, 1, 3, 2) * d ** -0.5)
        attn = np.einsum("bhij,hg->bgij", attn, sd[a + ".reattn_weights"])
        attn = ln(attn.transpose(0, 2, 3, 1), sd[a + ".reattn_norm.1.weight"], sd[a + ".reattn_norm.1.bias"], 1e-5)
        attn = attn.transpose(0, 3, 1, 2)
        x = linear(heads_merge(attn @ v), sd, a + ".to_out.0") + x
        x = vitpytorch_ff(x, sd, "transformer.layers.%d.1.net" % i) + x
    pooled = x[:, 0] if kw.get("pool", "cls") == "cls" else x.mean(1)
    return linear(ln(pooled, sd["mlp_head.0.weight"], sd["mlp_head.0.bias"], 1e-5), sd, "mlp_head.1")


def cait_layer(x, context, sd, a, h, d):
    """One vit-pytorch CaiT layer: LayerScale(attention) then LayerScale(feed-forward)."""
    f = a + ".0.fn"
    xn = ln(x, sd[f + ".norm.weight"], sd[f + ".norm.bias"], 1e-5)
    ctx = xn if context is None else np.concatenate([xn, context], 1)
    q = heads_split(xn @ sd[f + ".to_q.weight"].T, h)
    k, v = (heads_split(t, h) for t in np.split(ctx @ sd[f + ".to_kv.weight"].T, 2, axis=-1))
    dots = np.einsum("bhij,hg->bgij", q @ k.transpose(0, 1, 3, 2) * d ** -0.5, sd[f + ".mix_heads_pre_attn"])
    attn = np.einsum("bhij,hg->bgij", softmax(dots), sd[f + ".mix_heads_post_attn"])
    x = linear(heads_merge(attn @ v), sd, f + ".to_out.0") * sd[a + ".0.scale"] + x
    return vitpytorch_ff(x, sd, a + ".1.fn.net") * sd[a + ".1.scale"] + x


def cait(sd, img, kw):
    h = kw["heads"]
    d = kw.get("dim_head", 64)
    x = vitpytorch_embed(img, sd, kw["patch_size"]) + sd["pos_embedding"]
    for i in range(kw["depth"]):
        x = cait_layer(x, None, sd, "patch_transformer.layers.%d" % i, h, d)
    cls = np.broadcast_to(sd["cls_token"], (x.shape[0], 1, x.shape[2]))
    for i in range(kw["cls_depth"]):
        cls = cait_layer(cls, x, sd, "cls_transformer.layers.%d" % i, h, d)
    return linear(ln(cls[:, 0], sd["mlp_head.0.weight"], sd["mlp_head.0.bias"], 1e-5), sd, "mlp_head.1")


def timm_cait(sd, img, kw):
    h = kw["num_heads"]
    dim = kw["embed_dim"]
    p = kw["patch_size"]
    eps = 1e-6
    b, hh, ww, c = img.shape
    w = sd["patch_embed.proj.weight"]  # [D, C, p, p]
    patches = img.reshape(b, hh // p, p, ww // p, p, c).transpose(0, 1, 3, 2, 4, 5).reshape(b, -1, p, p, c)
    x = np.einsum("bnijc,dcij->bnd", patches, w) + sd["patch_embed.proj.bias"] + sd["pos_embed"]
    scale = (dim // h) ** -0.5

    def mlp(t, blk):
        t = ln(t, sd[blk + ".norm2.weight"], sd[blk + ".norm2.bias"], eps)
        return linear(gelu(linear(t, sd, blk + ".mlp.fc1")), sd, blk + ".mlp.fc2")

    for i in range(kw["depth"]):
        blk = "blocks.%d" % i
        t = ln(x, sd[blk + ".norm1.weight"], sd[blk + ".norm1.bias"], eps)
        q, k, v = (heads_split(u, h) for u in np.split(linear(t, sd, blk + ".attn.qkv"), 3, axis=-1))
        attn = (q * scale) @ k.transpose(0, 1, 3, 2)
        attn = linear(attn.transpose(0, 2, 3, 1), sd, blk + ".attn.proj_l").transpose(0, 3, 1, 2)
        attn = linear(softmax(attn).transpose(0, 2, 3, 1), sd, blk + ".attn.proj_w").transpose(0, 3, 1, 2)
        x = x + sd[blk + ".gamma_1"] * linear(heads_merge(attn @ v), sd, blk + ".attn.proj")
        x = x + sd[blk + ".gamma_2"] * mlp(x, blk)
    cls = np.broadcast_to(sd["cls_token"], (b, 1, dim))
    for i in range(kw.get("depth_token_only", 2)):
        blk = "blocks_token_only.%d" % i
        u = ln(np.concatenate([cls, x], 1), sd[blk + ".norm1.weight"], sd[blk + ".norm1.bias"], eps)
        q = heads_split(linear(u[:, :1], sd, blk + ".attn.q"), h)
        k = heads_split(linear(u, sd, blk + ".attn.k"), h)
        v = heads_split(linear(u, sd, blk + ".attn.v"), h)
        attn = softmax((q * scale) @ k.transpose(0, 1, 3, 2))
        cls = cls + sd[blk + ".gamma_1"] * linear(heads_merge(attn @ v), sd, blk + ".attn.proj")
        cls = cls + sd[blk + ".gamma_2"] * mlp(cls, blk)
    return linear(ln(cls[:, 0], sd["norm.weight"], sd["norm.bias"], eps), sd, "head")


MODELS = {"deepvit": deepvit, "cait": cait, "timm_cait": timm_cait}


# ---- state_dict layouts of the three families (names, shapes, init kind) ----

def vitpytorch_embed_keys(patch_dim, dim):
    return [("to_patch_embedding.1.weight", (patch_dim,), "ln_w"), ("to_patch_embedding.1.bias", (patch_dim,), "ln_b"),
            ("to_patch_embedding.2.weight", (dim, patch_dim), "w"), ("to_patch_embedding.2.bias", (dim,), "b"),
            ("to_patch_embedding.3.weight", (dim,), "ln_w"), ("to_patch_embedding.3.bias", (dim,), "ln_b")]


def ff_keys(net, dim, mlp):
    return [(net + ".0.weight", (dim,), "ln_w"), (net + ".0.bias", (dim,), "ln_b"), (net + ".1.weight", (mlp, dim), "w"),
            (net + ".1.bias", (mlp,), "b"), (net + ".4.weight", (dim, mlp), "w"), (net + ".4.bias", (dim,), "b")]


def keys_deepvit(kw):
    dim, h, d, p = kw["dim"], kw["heads"], kw.get("dim_head", 64), kw["patch_size"]
    n = (kw["image_size"] // p) ** 2
    keys = [("pos_embedding", (1, n + 1, dim), "tok"), ("cls_token", (1, 1, dim), "tok")]
    keys += vitpytorch_embed_keys(p * p * 3, dim)
    for i in range(kw["depth"]):
        a = "transformer.layers.%d.0" % i
        keys += [(a + ".reattn_weights", (h, h), "mix"), (a + ".norm.weight", (dim,), "ln_w"), (a + ".norm.bias", (dim,), "ln_b"),
                 (a + ".to_qkv.weight", (3 * h * d, dim), "w"), (a + ".reattn_norm.1.weight", (h,), "ln_w"),
                 (a + ".reattn_norm.1.bias", (h,), "ln_b"), (a + ".to_out.0.weight", (dim, h * d), "w"), (a + ".to_out.0.bias", (dim,), "b")]
        keys += ff_keys("transformer.layers.%d.1.net" % i, dim, kw["mlp_dim"])
    return keys + [("mlp_head.0.weight", (dim,), "ln_w"), ("mlp_head.0.bias", (dim,), "ln_b"),
                   ("mlp_head.1.weight", (kw["num_classes"], dim), "w"), ("mlp_head.1.bias", (kw["num_classes"],), "b")]


def keys_cait(kw):
    dim, h, d, p = kw["dim"], kw["heads"], kw.get("dim_head", 64), kw["patch_size"]
    n = (kw["image_size"] // p) ** 2
    keys = [("pos_embedding", (1, n, dim), "tok"), ("cls_token", (1, 1, dim), "tok")]
    keys += vitpytorch_embed_keys(p * p * 3, dim)
    for stage, depth in (("patch_transformer", kw["depth"]), ("cls_transformer", kw["cls_depth"])):
        for i in range(depth):
            a = "%s.layers.%d" % (stage, i)
            f = a + ".0.fn"
            keys += [(a + ".0.scale", (1, 1, dim), "ls"), (f + ".mix_heads_pre_attn", (h, h), "mix"),
                     (f + ".mix_heads_post_attn", (h, h), "mix"), (f + ".norm.weight", (dim,), "ln_w"), (f + ".norm.bias", (dim,), "ln_b"),
                     (f + ".to_q.weight", (h * d, dim), "w"), (f + ".to_kv.weight", (2 * h * d, dim), "w"),
                     (f + ".to_out.0.weight", (dim, h * d), "w"), (f + ".to_out.0.bias", (dim,), "b"), (a + ".1.scale", (1, 1, dim), "ls")]
            keys += ff_keys(a + ".1.fn.net", dim, kw["mlp_dim"])
    return keys + [("mlp_head.0.weight", (dim,), "ln_w"), ("mlp_head.0.bias", (dim,), "ln_b"),
                   ("mlp_head.1.weight", (kw["num_classes"], dim), "w"), ("mlp_head.1.bias", (kw["num_classes"],), "b")]


def keys_timm_cait(kw):
    dim, h, p = kw["embed_dim"], kw["num_heads"], kw["patch_size"]
    ih, iw = kw["img_size"]
    n = (ih // p) * (iw // p)
    mlp = 4 * dim
    keys = [("cls_token", (1, 1, dim), "tok"), ("pos_embed", (1, n, dim), "tok"),
            ("patch_embed.proj.weight", (dim, 3, p, p), "w"), ("patch_embed.proj.bias", (dim,), "b")]

    def tail(blk):
        return [(blk + ".norm2.weight", (dim,), "ln_w"), (blk + ".norm2.bias", (dim,), "ln_b"), (blk + ".mlp.fc1.weight", (mlp, dim), "w"),
                (blk + ".mlp.fc1.bias", (mlp,), "b"), (blk + ".mlp.fc2.weight", (dim, mlp), "w"), (blk + ".mlp.fc2.bias", (dim,), "b")]

    for i in range(kw["depth"]):
        blk = "blocks.%d" % i
        keys += [(blk + ".gamma_1", (dim,), "ls"), (blk + ".gamma_2", (dim,), "ls"), (blk + ".norm1.weight", (dim,), "ln_w"),
                 (blk + ".norm1.bias", (dim,), "ln_b"), (blk + ".attn.qkv.weight", (3 * dim, dim), "w"), (blk + ".attn.qkv.bias", (3 * dim,), "b"),
                 (blk + ".attn.proj.weight", (dim, dim), "w"), (blk + ".attn.proj.bias", (dim,), "b"),
                 (blk + ".attn.proj_l.weight", (h, h), "mix"), (blk + ".attn.proj_l.bias", (h,), "b"),
                 (blk + ".attn.proj_w.weight", (h, h), "mix"), (blk + ".attn.proj_w.bias", (h,), "b")] + tail(blk)
    for i in range(kw["depth_token_only"]):
        blk = "blocks_token_only.%d" % i
        keys += [(blk + ".gamma_1", (dim,), "ls"), (blk + ".gamma_2", (dim,), "ls"), (blk + ".norm1.weight", (dim,), "ln_w"),
                 (blk + ".norm1.bias", (dim,), "ln_b")]
        for proj in ("q", "k", "v", "proj"):
            keys += [(blk + ".attn.%s.weight" % proj, (dim, dim), "w"), (blk + ".attn.%s.bias" % proj, (dim,), "b")]
        keys += tail(blk)
    return keys + [("norm.weight", (dim,), "ln_w"), ("norm.bias", (dim,), "ln_b"),
                   ("head.weight", (kw["num_classes"], dim), "w"), ("head.bias", (kw["num_classes"],), "b")]


def draw(rng, shape, kind):
    """The fixtures' initialisation scheme (fixtures/README.md)."""
    z = rng.standard_normal(shape)
    if kind == "w":
        fan_in = int(np.prod(shape[1:]))
        return z / np.sqrt(fan_in)
    return {"b": 0.1 * z, "ln_w": 1 + 0.1 * z, "ln_b": 0.1 * z, "ls": 0.5 + 0.2 * z, "tok": 0.5 * z,
            "mix": np.eye(shape[0]) + 0.5 * z}[kind]


EXTRA = [
    ("deepvit_mean_3heads", "deepvit", keys_deepvit, "vit_pytorch.deepvit.DeepViT(**constructor_kwargs)",
     dict(image_size=24, patch_size=6, num_classes=7, dim=30, depth=2, heads=3, mlp_dim=50, pool="mean", channels=3,
          dim_head=10, dropout=0.0, emb_dropout=0.0), 3, 24, 24),
    ("cait_2cls_2heads", "cait", keys_cait, "vit_pytorch.cait.CaiT(**constructor_kwargs)",
     dict(image_size=24, patch_size=4, num_classes=5, dim=32, depth=1, cls_depth=2, heads=2, mlp_dim=48, dim_head=24,
          dropout=0.0, emb_dropout=0.0, layer_dropout=0.0), 3, 24, 24),
    ("timm_cait_rect_6heads", "timm_cait", keys_timm_cait, "timm.create_model('cait_xxs24_224', **constructor_kwargs)",
     dict(pretrained=False, img_size=[24, 40], patch_size=8, embed_dim=36, depth=2, num_heads=6, num_classes=6,
          depth_token_only=1), 3, 24, 40),
]


def make(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for seed, (case, family, keys, entry, kw, batch, ih, iw) in enumerate(EXTRA, start=2001):
        rng = np.random.RandomState(seed)
        sd = {name: draw(rng, shape, kind).astype(np.float32) for name, shape, kind in keys(kw)}
        img = rng.standard_normal((batch, 3, ih, iw)).astype(np.float32).transpose(0, 2, 3, 1)
        logits = MODELS[family]({k: v.astype(np.float64) for k, v in sd.items()}, img.astype(np.float64), kw)
        meta = {"case": case, "family": family, "source": "numpy reference (vit-tf src/test/python/numpy_reference.py)"}
        write_safetensors(out / (case + ".safetensors"), sd, meta)
        write_safetensors(out / (case + ".io.safetensors"), {"input": img, "logits": logits.astype(np.float32)},
                          {"case": case, "input_layout": "NHWC"})
        (out / (case + ".json")).write_text(json.dumps({
            "case": case, "family": family, "source": meta["source"], "entry_point": entry, "constructor_kwargs": kw,
            "input_layout": "NHWC", "input_shape": list(img.shape), "logits_shape": list(logits.shape), "batch": batch,
            "seed": seed, "initialisation": "as the reference fixtures (fixtures/README.md), numpy RandomState(seed)",
            "notes": "float64 NumPy implementation, validated against the deepvit, cait and timm_cait fixtures by 'check'"},
            indent=1) + "\n")
        print("wrote", case, logits.shape)


def check(fixtures):
    worst = 0.0
    for case in ("deepvit", "cait", "timm_cait"):
        d = Path(fixtures)
        meta = json.loads((d / (case + ".json")).read_text())
        sd = {k: v.astype(np.float64) for k, v in read_safetensors(d / (case + ".safetensors")).items()}
        io = read_safetensors(d / (case + ".io.safetensors"))
        logits = MODELS[meta["family"]](sd, io["input"].astype(np.float64), meta["constructor_kwargs"])
        diff = float(np.abs(logits - io["logits"]).max())
        worst = max(worst, diff)
        print("%-10s max|numpy - fixture| = %.2e" % (case, diff))
    if worst > 1e-5:
        sys.exit("the NumPy reference does not reproduce the fixtures")


if __name__ == "__main__":
    {"check": check, "make": make}[sys.argv[1]](sys.argv[2])
