package dev.vittf.arch.vit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.blocks.PatchEmbedding;
import dev.vittf.io.Kwargs;
import dev.vittf.models.NormPlacement;
import dev.vittf.models.Pool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reference-model converters for the ViT family (families {@code vit} and {@code timm_vit} of {@link
 * dev.vittf.io.ReferenceModels}): vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)} and timm {@code
 * VisionTransformer(**kwargs)}. Unknown or ill-typed arguments are rejected, never ignored.
 */
public final class ViTReferences {
  private ViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.vit.ViT(**kwargs)}. */
  public static ViTConfig vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch ViT", kwargs);
    Pool pool = k.vitPytorchPool();
    ViTConfig c = vitPytorchFamily(k, ViTConfig.builder())
        .pool(pool)
        // current vit.py creates no class token at all for pool='mean'
        .classToken(pool == Pool.CLS)
        .embedding(PatchEmbedding.Style.NORM_LINEAR_NORM)
        .normEps(1e-5)
        .build();
    k.finish();
    return c;
  }

  /**
   * The arguments vit-pytorch's {@code vit.py} and {@code parallel_vit.py} share ({@link
   * Kwargs#vitPytorchCommon}, rectangular sizes allowed); like vit-pytorch, attention drops its output
   * projection when {@code heads == 1 and dim_head == dim}.
   */
  public static <B extends ViTFamilyBuilder<?, B>> B vitPytorchFamily(Kwargs k, B builder) {
    k.vitPytorchCommon(builder, true);
    return builder.attentionOutputProjection(!(k.integer("heads") == 1 && k.integer("dim_head", 64) == k.integer("dim")));
  }

  /**
   * timm {@code vit_*} models: {@code VisionTransformer(**kwargs)} with the ViT-B/16 defaults, every
   * argument that changes the function read ({@link #timmFamily}); {@code block_fn} must be timm's
   * {@code Block} (a {@code ParallelThingsBlock} model is the {@code timm_parallel_vit} family).
   */
  public static ViTConfig timm(JsonNode kwargs) {
    return timm(kwargs, false);
  }

  /**
   * Like {@link #timm(JsonNode)}; {@code distilled} for timm's {@code VisionTransformerDistilled} ({@code
   * deit_*_distilled_*}: a {@code dist_token} and {@code head_dist}, logits the mean of both heads).
   */
  public static ViTConfig timm(JsonNode kwargs, boolean distilled) {
    Kwargs k = new Kwargs("timm VisionTransformer", kwargs);
    if (timmBranches(k) != 1) {
      throw new IllegalArgumentException(k.owner() + ": block_fn ParallelThingsBlock builds a Parallel ViT: describe it"
          + " as family timm_parallel_vit");
    }
    ViTConfig.Builder b = k.timmCommon(ViTConfig.builder(), null);
    boolean classToken = k.bool("class_token", true);
    ViTConfig c = timmFamily(k, b, 0, classToken).classToken(classToken).distillationToken(distilled).build();
    k.finish();
    return c;
  }

  /**
   * The parallel branches timm's {@code block_fn} argument asks for: 1 for {@code Block} (or none given),
   * {@code num_parallel} (default 2) for {@code ParallelThingsBlock}. The JSON records the callable as
   * its Python repr, e.g. {@code "functools.partial(timm.models.vision_transformer.ParallelThingsBlock,
   * num_parallel=3)"}.
   *
   * @throws IllegalArgumentException naming any other block type
   */
  public static int timmBranches(Kwargs k) {
    String fn = k.string("block_fn", null);
    if (fn == null || fn.matches("(timm\\.models\\.vision_transformer\\.)?Block")) {
      return 1;
    }
    Matcher m = PARALLEL_BLOCK.matcher(fn.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(k.owner() + ": block_fn '" + fn + "' is not supported (supported: Block,"
          + " ParallelThingsBlock, functools.partial(ParallelThingsBlock, num_parallel=N))");
    }
    return m.group(1) == null ? 2 : Integer.parseInt(m.group(1));
  }

  private static final Pattern PARALLEL_BLOCK = Pattern.compile(
      "(?:functools\\.partial\\(\\s*)?(?:timm\\.models\\.vision_transformer\\.)?ParallelThingsBlock"
          + "(?:\\s*,\\s*num_parallel\\s*=\\s*(\\d{1,3})\\s*\\))?");

  /**
   * The ViT-family arguments of timm's {@code VisionTransformer} (also read for its {@code
   * ParallelThingsBlock} variant): conv embedding (no bias under {@code pre_norm}), {@code qkv_bias},
   * eps 1e-6, {@code global_pool} ({@code token}, {@code avg}, {@code max}, {@code avgmax}), {@code
   * fc_norm} (default: on for the non-token pools), {@code reg_tokens}, {@code no_embed_class}, {@code
   * pre_norm}, {@code init_values} (LayerScale, {@code defaultInit} if absent), the dropout rates, and the
   * arguments accepted only at their default ({@code qk_norm}, {@code proj_bias}, {@code final_norm},
   * {@code pos_embed}, {@code dynamic_img_size}, {@code dynamic_img_pad}, {@code patch_drop_rate}).
   * {@code weight_init} and {@code fix_init} only change the random initialisation and are accepted.
   *
   * @param classToken whether the model has a class token ({@code class_token}, read by the caller)
   */
  public static <B extends ViTFamilyBuilder<?, B>> B timmFamily(Kwargs k, B builder, double defaultInit, boolean classToken) {
    String globalPool = k.choice("global_pool", "token", "avg", "max", "avgmax");
    if (!classToken && globalPool.equals("token")) {
      throw new IllegalArgumentException(k.owner() + ": global_pool='token' needs class_token=True");
    }
    Pool pool = switch (globalPool) {
      case "avg" -> Pool.AVG;
      case "max" -> Pool.MAX;
      case "avgmax" -> Pool.AVG_MAX;
      default -> Pool.CLS;
    };
    boolean fcNorm = k.bool("fc_norm", pool != Pool.CLS);
    boolean preNorm = k.bool("pre_norm", false);
    k.onlyDefault("qk_norm", false);
    k.onlyDefault("proj_bias", true);
    k.onlyDefault("final_norm", true);
    k.onlyDefault("pos_embed", "learn");
    k.onlyDefault("dynamic_img_size", false);
    k.onlyDefault("dynamic_img_pad", false);
    k.onlyDefault("patch_drop_rate", 0);
    k.string("weight_init", "");
    k.bool("fix_init", false);
    double dropRate = k.number("drop_rate", 0);
    return builder
        .pool(pool)
        .finalNorm(fcNorm ? NormPlacement.POOLED : NormPlacement.TOKENS)
        .registerTokens(k.integer("reg_tokens", 0))
        .noEmbedClass(k.bool("no_embed_class", false))
        .preNorm(preNorm)
        .qkvBias(k.bool("qkv_bias", true))
        .embedding(preNorm ? PatchEmbedding.Style.CONV_NO_BIAS : PatchEmbedding.Style.CONV)
        .normEps(1e-6)
        .layerScaleInit(k.has("init_values") ? k.number("init_values", 0) : defaultInit)
        .dropout(k.number("proj_drop_rate", dropRate))
        .embDropout(k.number("pos_drop_rate", dropRate))
        .dropPath(k.number("drop_path_rate", 0));
  }

  /** transformers ViT / DeiT classes this library builds, by {@code architectures[0]} of config.json. */
  public static final java.util.List<String> HUGGING_FACE_CLASSES = java.util.List.of("ViTForImageClassification",
      "ViTModel", "DeiTForImageClassification", "DeiTForImageClassificationWithTeacher");

  /**
   * A transformers {@code config.json} ({@code model_type} {@code vit} or {@code deit}): {@code hidden_size},
   * {@code num_hidden_layers}, {@code num_attention_heads}, {@code intermediate_size}, {@code hidden_act}
   * (only {@code gelu}, the exact form), {@code layer_norm_eps} (default 1e-12, not timm's 1e-6), {@code
   * qkv_bias}, {@code image_size}, {@code patch_size}, {@code num_channels}, the classes from {@code
   * id2label} / {@code num_labels}, and the class from {@code architectures}; a {@code ViTModel} gets its
   * tanh pooler as the head ({@code pooler_output_size} wide). Fields that only describe training or other
   * tasks are informational and ignored.
   *
   * @throws IllegalArgumentException naming an unknown model_type or class (listing the supported ones) or
   *     an unsupported value
   */
  public static ViTConfig huggingFace(JsonNode config) {
    Kwargs k = new Kwargs("transformers config.json", config);
    String type = k.string("model_type", "");
    if (!type.equals("vit") && !type.equals("deit")) {
      throw new IllegalArgumentException("config.json: model_type '" + type + "' is not supported (supported: vit, deit)");
    }
    JsonNode archs = config.path("architectures");
    String cls = archs.isArray() && archs.size() == 1 ? archs.get(0).asText() : (type.equals("vit") ? "ViTModel" : "");
    if (!HUGGING_FACE_CLASSES.contains(cls) || (type.equals("vit") != cls.startsWith("ViT"))) {
      throw new IllegalArgumentException("config.json: architectures " + archs + " with model_type '" + type
          + "' is not supported (supported: " + String.join(", ", HUGGING_FACE_CLASSES) + ")");
    }
    String act = k.string("hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw new IllegalArgumentException("config.json: hidden_act '" + act + "' is not supported (supported: gelu, the exact erf form)");
    }
    int dim = k.integer("hidden_size", 768);
    int heads = k.integer("num_attention_heads", 12);
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException("config.json: hidden_size " + dim + " must be divisible by num_attention_heads " + heads);
    }
    int[] image = k.has("image_size") ? k.pair("image_size") : new int[] {224, 224};
    int[] patch = k.has("patch_size") ? k.pair("patch_size") : new int[] {16, 16};
    boolean bare = cls.equals("ViTModel");
    int labels = config.path("id2label").isObject() && config.path("id2label").size() > 0
        ? config.path("id2label").size() : k.integer("num_labels", 2);
    if (bare && !k.string("pooler_act", "tanh").equals("tanh")) {
      throw new IllegalArgumentException("config.json: pooler_act '" + k.string("pooler_act", "") + "' is not supported (only tanh)");
    }
    return ViTConfig.builder()
        .imageSize(image[0], image[1]).patchSize(patch[0], patch[1]).channels(k.integer("num_channels", 3))
        .dim(dim).depth(k.integer("num_hidden_layers", 12)).heads(heads).dimHead(dim / heads)
        .mlpDim(k.integer("intermediate_size", 3072))
        .qkvBias(k.bool("qkv_bias", true))
        .embedding(PatchEmbedding.Style.CONV)
        .normEps(k.number("layer_norm_eps", 1e-12))
        .finalNorm(NormPlacement.TOKENS)
        .pool(Pool.CLS).classToken(true)
        .distillationToken(cls.equals("DeiTForImageClassificationWithTeacher"))
        .tanhHead(bare)
        .numClasses(bare ? k.integer("pooler_output_size", dim) : labels)
        .build();
  }

  /**
   * torchvision {@code VisionTransformer(**kwargs)}: {@code image_size}, {@code patch_size}, {@code
   * num_layers}, {@code num_heads}, {@code hidden_dim}, {@code mlp_dim}, {@code dropout}, {@code
   * attention_dropout}, {@code num_classes=1000}; {@code representation_size} and {@code conv_stem_configs}
   * only at their default {@code None}. LayerNorm eps 1e-6.
   */
  public static ViTConfig torchvision(JsonNode kwargs) {
    Kwargs k = new Kwargs("torchvision VisionTransformer", kwargs);
    int dim = k.integer("hidden_dim");
    int heads = k.integer("num_heads");
    if (heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException(k.owner() + ": hidden_dim " + dim + " must be divisible by num_heads " + heads);
    }
    for (String none : new String[] {"representation_size", "conv_stem_configs", "norm_layer"}) {
      if (k.has(none)) {
        throw new IllegalArgumentException(k.owner() + ": argument '" + none + "' is not supported (only None)");
      }
    }
    int image = k.integer("image_size");
    int patch = k.integer("patch_size");
    ViTConfig c = ViTConfig.builder()
        .imageSize(image).patchSize(patch).numClasses(k.integer("num_classes", 1000))
        .dim(dim).depth(k.integer("num_layers")).heads(heads).dimHead(dim / heads).mlpDim(k.integer("mlp_dim"))
        .dropout(k.number("dropout", 0)).attnDropout(k.number("attention_dropout", 0))
        .qkvBias(true).embedding(PatchEmbedding.Style.CONV).normEps(1e-6).finalNorm(NormPlacement.TOKENS)
        .build();
    k.finish();
    return c;
  }
}
