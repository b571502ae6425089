package dev.vittf.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that never executes anything: a small stack machine over the opcodes that {@code
 * torch.save} writes for state dicts (protocols 2 to 4), where a global is only ever a name. The few
 * globals a state dict needs ({@link #ALLOWED}) are mapped to data ({@link Tensor}, {@link Storage},
 * ordered maps, tuples); any other global is refused the moment it is read, naming its module and name,
 * before anything is built. Every size read from the stream is checked against what is left of it, and
 * the stack, the nesting and the memo are bounded.
 */
final class SafePickle {
  /** The globals a state dict may name: {@code module.name}. */
  static final Set<String> ALLOWED = Set.of(
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch.Size",
      "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
      "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.ByteStorage", "torch.CharStorage",
      "torch.BoolStorage");

  private static final int MAX_STACK = 1_000_000;
  private static final int MAX_MARKS = 1_000;
  private static final int MAX_MEMO = 1_000_000;

  /** A whitelisted global, as a name only. */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** A Python tuple. */
  record Tuple(List<Object> items) {}

  /**
   * A storage named by a persistent id: its element type ({@code Float}, {@code Half}, ...), the
   * archive key of its bytes and its element count (already checked against the archive entry).
   */
  record Storage(String type, String key, long numel) {}

  /** {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}, bounds-checked against the storage. */
  record Tensor(Storage storage, long offset, long[] size, long[] stride, long numel) {}

  /** Resolves a persistent id ({@code ('storage', type, key, location, numel)}) to a storage. */
  interface PersistentLoader {
    Storage load(Tuple pid) throws TorchCheckpointException;
  }

  private enum Marker { MARK, NONE }

  private final byte[] b;
  private final String file;
  private final PersistentLoader loader;
  private int pos;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private SafePickle(byte[] bytes, String file, PersistentLoader loader) {
    this.b = bytes;
    this.file = file;
    this.loader = loader;
  }

  /**
   * Runs the pickle and returns its value: maps as {@link LinkedHashMap}, lists as {@link ArrayList},
   * tuples as {@link Tuple}, {@code None} as {@code null}, ints as {@link Long}, floats as {@link
   * Double}, strings, booleans, tensors as {@link Tensor}.
   *
   * @param file named in error messages
   * @throws TorchCheckpointException for a forbidden global, an unsupported or malformed opcode, or
   *     anything out of bounds
   */
  static Object load(byte[] bytes, String file, PersistentLoader loader) throws TorchCheckpointException {
    return new SafePickle(bytes, file, loader).run();
  }

  private TorchCheckpointException fail(String what) {
    return new TorchCheckpointException(file + ": pickle byte " + pos + ": " + what);
  }

  private Object run() throws TorchCheckpointException {
    while (true) {
      if (pos >= b.length) {
        throw fail("ends without STOP (truncated pickle)");
      }
      int op = b[pos++] & 0xff;
      switch (op) {
        case 0x80 -> { // PROTO
          int proto = u8();
          if (proto < 2 || proto > 5) {
            throw fail("unsupported pickle protocol " + proto);
          }
        }
        case 0x95 -> skip(8); // FRAME: a length hint only
        case '.' -> { // STOP
          Object v = pop();
          return v == Marker.NONE ? null : v;
        }
        case '(' -> {
          if (marks.size() >= MAX_MARKS) {
            throw fail("nesting deeper than " + MAX_MARKS);
          }
          marks.add(stack.size());
        }
        case '}' -> push(new LinkedHashMap<Object, Object>());
        case ']' -> push(new ArrayList<Object>());
        case ')' -> push(new Tuple(List.of()));
        case 't' -> push(new Tuple(popMark()));
        case 0x85 -> push(new Tuple(popN(1)));
        case 0x86 -> push(new Tuple(popN(2)));
        case 0x87 -> push(new Tuple(popN(3)));
        case 'N' -> push(Marker.NONE);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> push(le(4, true));
        case 'K' -> push((long) u8());
        case 'M' -> push(le(2, false));
        case 0x8a -> { // LONG1
          int n = u8();
          if (n > 8) {
            throw fail("integer of " + n + " bytes is out of range");
          }
          push(n == 0 ? 0L : le(n, true));
        }
        case 'G' -> {
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | u8();
          }
          push(Double.longBitsToDouble(bits));
        }
        case 'X' -> push(text(le(4, false)));
        case 0x8c -> push(text(u8()));
        case 0x8d -> push(text(le(8, true)));
        case 'T' -> push(text(le(4, false))); // BINSTRING (protocol 2 str of Python 2): read as text
        case 'U' -> push(text(u8()));
        case 'B' -> push(bytes(le(4, false)));
        case 'C' -> push(bytes(u8()));
        case 'q' -> put(u8());
        case 'r' -> put(le(4, false));
        case 0x94 -> put(memo.size());
        case 'h' -> push(get(u8()));
        case 'j' -> push(get(le(4, false)));
        case '0' -> pop();
        case '1' -> popMark();
        case '2' -> push(peek());
        case 'c' -> push(global(line(), line()));
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail("STACK_GLOBAL needs two strings");
          }
          push(global(m, n));
        }
        case 'R' -> {
          Object args = pop();
          Object fn = pop();
          push(reduce(fn, args));
        }
        case 'b' -> { // BUILD: state dicts carry only attributes such as _metadata, which are dropped
          pop();
          if (!(peek() instanceof Map)) {
            throw fail("BUILD on " + describe(peek()) + " is not allowed");
          }
        }
        case 's' -> {
          Object v = pop();
          Object k = pop();
          map(peek()).put(k, v);
        }
        case 'u' -> {
          List<Object> kv = popMark();
          if (kv.size() % 2 != 0) {
            throw fail("SETITEMS with an odd number of items");
          }
          Map<Object, Object> m = map(peek());
          for (int i = 0; i < kv.size(); i += 2) {
            m.put(kv.get(i), kv.get(i + 1));
          }
        }
        case 'a' -> {
          Object v = pop();
          list(peek()).add(v);
        }
        case 'e' -> {
          List<Object> items = popMark();
          list(peek()).addAll(items);
        }
        case 'Q' -> {
          Object pid = pop();
          if (!(pid instanceof Tuple t)) {
            throw fail("persistent id must be a tuple, got " + describe(pid));
          }
          push(loader.load(t));
        }
        default -> throw fail(String.format("unsupported pickle opcode 0x%02x%s (a state dict does not need it)", op,
            op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : ""));
      }
    }
  }

  private Global global(String module, String name) throws TorchCheckpointException {
    String q = module + "." + name;
    if (!ALLOWED.contains(q)) {
      throw fail("forbidden global " + q + " (a state dict only needs " + String.join(", ", ALLOWED.stream().sorted().toList())
          + "); nothing was executed");
    }
    return new Global(module, name);
  }

  private Object reduce(Object fn, Object args) throws TorchCheckpointException {
    if (!(fn instanceof Global g)) {
      throw fail("REDUCE on " + describe(fn) + " is not allowed (only whitelisted functions)");
    }
    if (!(args instanceof Tuple t)) {
      throw fail("REDUCE arguments must be a tuple, got " + describe(args));
    }
    List<Object> a = t.items();
    switch (g.qualified()) {
      case "collections.OrderedDict" -> {
        if (!a.isEmpty()) {
          throw fail("OrderedDict(...) with arguments is not supported");
        }
        return new LinkedHashMap<Object, Object>();
      }
      case "torch.Size" -> {
        if (a.size() != 1 || !(a.get(0) instanceof Tuple dims)) {
          throw fail("torch.Size needs one tuple");
        }
        return dims;
      }
      case "torch._utils._rebuild_parameter" -> {
        if (a.size() < 1 || !(a.get(0) instanceof Tensor tensor)) {
          throw fail("_rebuild_parameter needs a tensor");
        }
        return tensor;
      }
      case "torch._utils._rebuild_tensor_v2" -> {
        return tensor(a);
      }
      default -> throw fail("REDUCE on " + g.qualified() + " is not allowed (it is a type, not a function)");
    }
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  private Tensor tensor(List<Object> a) throws TorchCheckpointException {
    if (a.size() < 4 || !(a.get(0) instanceof Storage s) || !(a.get(1) instanceof Long offset)) {
      throw fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
    }
    long[] size = longs(a.get(2), "size");
    long[] stride = longs(a.get(3), "stride");
    if (size.length != stride.length) {
      throw fail("tensor size " + java.util.Arrays.toString(size) + " and stride " + java.util.Arrays.toString(stride)
          + " differ in rank");
    }
    long numel = 1;
    long last = offset;
    try {
      for (int i = 0; i < size.length; i++) {
        if (size[i] < 0 || stride[i] < 0) {
          throw fail("negative size or stride in " + java.util.Arrays.toString(size) + " / " + java.util.Arrays.toString(stride));
        }
        numel = Math.multiplyExact(numel, size[i]);
        if (size[i] > 0) {
          last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
        }
      }
    } catch (ArithmeticException e) {
      throw fail("tensor size " + java.util.Arrays.toString(size) + " overflows");
    }
    if (offset < 0 || (numel > 0 && last >= s.numel())) {
      throw fail("tensor of size " + java.util.Arrays.toString(size) + " at offset " + offset + " with stride "
          + java.util.Arrays.toString(stride) + " extends past its storage '" + s.key() + "' of " + s.numel() + " elements");
    }
    if (numel > s.numel()) {
      throw fail("tensor of size " + java.util.Arrays.toString(size) + " has " + numel + " elements, more than its storage '"
          + s.key() + "' holds (" + s.numel() + "): expanded views are not supported");
    }
    return new Tensor(s, offset, size, stride, numel);
  }

  private long[] longs(Object o, String what) throws TorchCheckpointException {
    if (!(o instanceof Tuple t)) {
      throw fail("tensor " + what + " must be a tuple, got " + describe(o));
    }
    long[] out = new long[t.items().size()];
    for (int i = 0; i < out.length; i++) {
      if (!(t.items().get(i) instanceof Long v)) {
        throw fail("tensor " + what + " must hold ints");
      }
      out[i] = v;
    }
    return out;
  }

  private static String describe(Object o) {
    if (o instanceof Global g) {
      return g.qualified();
    }
    return o == null || o == Marker.NONE ? "None" : o.getClass().getSimpleName();
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> map(Object o) throws TorchCheckpointException {
    if (!(o instanceof Map)) {
      throw fail("SETITEM on " + describe(o));
    }
    return (Map<Object, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) throws TorchCheckpointException {
    if (!(o instanceof ArrayList)) {
      throw fail("APPEND on " + describe(o));
    }
    return (List<Object>) o;
  }

  private void push(Object o) throws TorchCheckpointException {
    if (stack.size() >= MAX_STACK) {
      throw fail("stack deeper than " + MAX_STACK);
    }
    stack.add(o);
  }

  private Object pop() throws TorchCheckpointException {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    if (stack.size() <= floor) {
      throw fail("stack underflow");
    }
    return unwrap(stack.remove(stack.size() - 1));
  }

  private Object peek() throws TorchCheckpointException {
    if (stack.isEmpty()) {
      throw fail("stack underflow");
    }
    return unwrap(stack.get(stack.size() - 1));
  }

  private static Object unwrap(Object o) {
    return o == Marker.NONE ? null : o;
  }

  private List<Object> popN(int n) throws TorchCheckpointException {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop();
    }
    return java.util.Arrays.asList(items);
  }

  private List<Object> popMark() throws TorchCheckpointException {
    if (marks.isEmpty()) {
      throw fail("no MARK on the stack");
    }
    int at = marks.remove(marks.size() - 1);
    List<Object> sub = stack.subList(at, stack.size());
    List<Object> items = new ArrayList<>(sub.size());
    for (Object o : sub) {
      items.add(unwrap(o));
    }
    sub.clear();
    return items;
  }

  private void put(long index) throws TorchCheckpointException {
    if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
      throw fail("memo larger than " + MAX_MEMO);
    }
    memo.put(index, stack.isEmpty() ? null : stack.get(stack.size() - 1));
  }

  private Object get(long index) throws TorchCheckpointException {
    if (!memo.containsKey(index)) {
      throw fail("memo index " + index + " was never stored");
    }
    return memo.get(index);
  }

  private int u8() throws TorchCheckpointException {
    need(1);
    return b[pos++] & 0xff;
  }

  private void need(long n) throws TorchCheckpointException {
    if (n < 0 || n > b.length - pos) {
      throw fail("needs " + n + " bytes, " + (b.length - pos) + " left (truncated or corrupt pickle)");
    }
  }

  private void skip(int n) throws TorchCheckpointException {
    need(n);
    pos += n;
  }

  // Little-endian integer of n bytes, sign-extended if signed.
  private long le(int n, boolean signed) throws TorchCheckpointException {
    need(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += n;
    if (signed && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
      v -= 1L << (8 * n);
    }
    return v;
  }

  private String text(long n) throws TorchCheckpointException {
    need(n);
    String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
    pos += (int) n;
    return s;
  }

  private byte[] bytes(long n) throws TorchCheckpointException {
    need(n);
    byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + (int) n);
    pos += (int) n;
    return out;
  }

  private String line() throws TorchCheckpointException {
    int start = pos;
    while (pos < b.length && b[pos] != '\n') {
      if (pos - start > 256) {
        throw fail("GLOBAL name longer than 256 bytes");
      }
      pos++;
    }
    if (pos >= b.length) {
      throw fail("GLOBAL name without end of line");
    }
    String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
    pos++;
    return s;
  }
}
