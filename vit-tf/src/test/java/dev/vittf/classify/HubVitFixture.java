package dev.vittf.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vittf.arch.vit.ViTConfig;
import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TEST-ONLY stand-in for the hub-folder loader of issue 12 ({@code Pretrained.load}, built in parallel):
 * loads the {@code hub/hf_vit} fixture by renaming its transformers keys to timm's (the table in
 * fixtures/README.md, q/k/v concatenated) and building the timm ViT it is, with the config's
 * LayerNorm eps. Replace with the real loader when it lands.
 */
public final class HubVitFixture {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HubVitFixture() {}

  /** The hf_vit-style hub folder {@code dir} as a model with its weights. */
  public static VitModel load(Path dir) throws IOException {
    JsonNode c = JSON.readTree(dir.resolve("config.json").toFile());
    int dim = c.get("hidden_size").asInt();
    int heads = c.get("num_attention_heads").asInt();
    ViTConfig config = ViTConfig.builder()
        .imageSize(c.get("image_size").asInt(), c.get("image_size").asInt())
        .patchSize(c.get("patch_size").asInt(), c.get("patch_size").asInt())
        .numClasses(c.get("id2label").size())
        .channels(3)
        .dim(dim)
        .depth(c.get("num_hidden_layers").asInt())
        .heads(heads)
        .dimHead(dim / heads)
        .mlpDim(c.get("intermediate_size").asInt())
        .qkvBias(true)
        .embedding(dev.vittf.blocks.PatchEmbedding.Style.CONV)
        .normEps(c.get("layer_norm_eps").asDouble())
        .build();
    Map<String, HostTensor> hf = SafeTensors.read(dir.resolve("model.safetensors")).tensors();
    Map<String, HostTensor> timm = new LinkedHashMap<>();
    timm.put("cls_token", hf.get("vit.embeddings.cls_token"));
    timm.put("pos_embed", hf.get("vit.embeddings.position_embeddings"));
    timm.put("patch_embed.proj.weight", hf.get("vit.embeddings.patch_embeddings.projection.weight"));
    timm.put("patch_embed.proj.bias", hf.get("vit.embeddings.patch_embeddings.projection.bias"));
    for (int n = 0; n < c.get("num_hidden_layers").asInt(); n++) {
      String h = "vit.encoder.layer." + n + ".";
      String t = "blocks." + n + ".";
      for (String s : new String[] {"weight", "bias"}) {
        timm.put(t + "norm1." + s, hf.get(h + "layernorm_before." + s));
        timm.put(t + "attn.qkv." + s, concat(List.of(hf.get(h + "attention.attention.query." + s),
            hf.get(h + "attention.attention.key." + s), hf.get(h + "attention.attention.value." + s))));
        timm.put(t + "attn.proj." + s, hf.get(h + "attention.output.dense." + s));
        timm.put(t + "norm2." + s, hf.get(h + "layernorm_after." + s));
        timm.put(t + "mlp.fc1." + s, hf.get(h + "intermediate.dense." + s));
        timm.put(t + "mlp.fc2." + s, hf.get(h + "output.dense." + s));
      }
    }
    for (String s : new String[] {"weight", "bias"}) {
      timm.put("norm." + s, hf.get("vit.layernorm." + s));
      timm.put("head." + s, hf.get("classifier." + s));
    }
    return VitModel.create(config, Checkpoints.convert(timm, config, CheckpointSource.TIMM, ModelParameters.of(config)));
  }

  /** {@code id2label} of the folder's config.json, by index. */
  public static List<String> labels(Path dir) throws IOException {
    JsonNode id2label = JSON.readTree(dir.resolve("config.json").toFile()).get("id2label");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < id2label.size(); i++) {
      out.add(id2label.get(Integer.toString(i)).asText());
    }
    return out;
  }

  /** Concatenates along axis 0. */
  private static HostTensor concat(List<HostTensor> parts) {
    long rows = 0;
    int size = 0;
    for (HostTensor p : parts) {
      rows += p.dim(0);
      size += p.size();
    }
    long[] shape = parts.get(0).shape().clone();
    shape[0] = rows;
    float[] data = new float[size];
    int o = 0;
    for (HostTensor p : parts) {
      System.arraycopy(p.data(), 0, data, o, p.size());
      o += p.size();
    }
    return new HostTensor(shape, data);
  }
}
