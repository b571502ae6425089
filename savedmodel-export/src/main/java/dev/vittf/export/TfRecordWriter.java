package dev.vittf.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord framing, what {@code tf.io.TFRecordWriter} writes (uncompressed): per record
 * {@code uint64 length}, {@code uint32 masked_crc32c(length bytes)}, the data, {@code uint32
 * masked_crc32c(data)}, all little-endian. The mask, {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8},
 * is TensorFlow's guard against CRCs of data that itself holds CRCs.
 */
final class TfRecordWriter {
  private static final int MASK_DELTA = 0xa282ead8;

  private final OutputStream out;

  TfRecordWriter(OutputStream out) {
    this.out = out;
  }

  /** Appends one record. */
  void write(byte[] data) throws IOException {
    byte[] length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(littleEndian(maskedCrc32c(length)));
    out.write(data);
    out.write(littleEndian(maskedCrc32c(data)));
  }

  /** TensorFlow's masked CRC-32C of {@code data}. */
  static int maskedCrc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static byte[] littleEndian(int v) {
    return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
