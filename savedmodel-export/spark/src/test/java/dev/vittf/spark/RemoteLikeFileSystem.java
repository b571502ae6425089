package dev.vittf.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under another scheme ({@value #SCHEME}{@code :///tmp/x} is {@code /tmp/x}): to Spark and to
 * {@link ModelFolder} a remote file system, so the tests exercise the copy-to-a-local-folder path that HDFS and
 * S3 take, without either.
 */
public final class RemoteLikeFileSystem extends RawLocalFileSystem {
  /** The scheme ({@code fs.remotelike.impl} names this class). */
  public static final String SCHEME = "remotelike";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
