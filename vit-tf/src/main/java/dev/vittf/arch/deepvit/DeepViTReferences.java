package dev.vittf.arch.deepvit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vittf.io.Kwargs;

/**
 * Our config for the reference DeepViT model (family {@code deepvit} of {@link
 * dev.vittf.io.ReferenceModels}), from its constructor's keyword arguments. Unknown or ill-typed
 * arguments are rejected, never ignored.
 */
public final class DeepViTReferences {
  private DeepViTReferences() {}

  /** vit-pytorch {@code vit_pytorch.deepvit.DeepViT(**kwargs)} (square images: {@code image_size} is an int there). */
  public static DeepViTConfig vitPytorch(JsonNode kwargs) {
    Kwargs k = new Kwargs("vit-pytorch DeepViT", kwargs);
    DeepViTConfig c = k.vitPytorchCommon(DeepViTConfig.builder(), false).pool(k.vitPytorchPool()).build();
    k.finish();
    return c;
  }
}
