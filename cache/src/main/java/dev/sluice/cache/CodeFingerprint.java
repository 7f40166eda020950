package dev.sluice.cache;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The code fingerprint of a task implementation and the type its result is declared as, both worked
 * out once per implementation class.
 *
 * <p>For a lambda or method reference of a {@link java.io.Serializable} functional interface (all
 * of the DSL's are), {@code writeReplace} yields a {@link SerializedLambda} naming the method that
 * implements it. The fingerprint hashes that method's bytecode: every instruction with its operands
 * resolved (the constants it loads, the fields, methods and types it names, its jump structure),
 * and, recursively, the bodies of lambdas it creates in the same class. Line numbers and local
 * variable names are left out, so reformatting does not change it. Methods it calls are not
 * followed. For any other object the fingerprint hashes its class's whole class file.
 */
final class CodeFingerprint {
  /**
   * The hash (raw, and hex for people) and the declared result type ({@code Object.class} when
   * unknown).
   */
  record Code(byte[] rawHash, String hash, Type resultType) {
    Code(byte[] rawHash, Type resultType) {
      this(rawHash, Sha256.hex(rawHash), resultType);
    }
  }

  // One slot per implementation class, filled on first use (computing needs an instance).
  private static final ClassValue<Code[]> CODES =
      new ClassValue<>() {
        @Override
        protected Code[] computeValue(Class<?> type) {
          return new Code[1];
        }
      };

  private CodeFingerprint() {}

  /**
   * The fingerprint of {@code implementation}'s code. Lambda classes are one per call site, so one
   * computation per class serves every instance.
   */
  static Code of(Object implementation) {
    Code[] slot = CODES.get(implementation.getClass());
    Code code = slot[0];
    if (code == null) {
      code = compute(implementation);
      slot[0] = code; // a race computes the same value twice, harmlessly
    }
    return code;
  }

  private static Code compute(Object implementation) {
    SerializedLambda lambda = serializedLambda(implementation);
    if (lambda == null) {
      Class<?> type = implementation.getClass();
      byte[] classFile = classFile(type.getName(), type.getClassLoader());
      return new Code(
          Sha256.of(
              classFile == null ? type.getName().getBytes(StandardCharsets.UTF_8) : classFile),
          Object.class);
    }
    String owner = lambda.getImplClass();
    ClassLoader loader = implementation.getClass().getClassLoader();
    MessageDigest digest = Sha256.digest();
    Set<String> seen = new HashSet<>();
    Deque<String[]> todo = new ArrayDeque<>();
    todo.add(new String[] {lambda.getImplMethodName(), lambda.getImplMethodSignature()});
    Map<String, byte[]> files = new HashMap<>();
    while (!todo.isEmpty()) {
      String[] method = todo.poll();
      if (!seen.add(method[0] + method[1])) {
        continue;
      }
      byte[] file = files.computeIfAbsent(owner, o -> classFile(o.replace('/', '.'), loader));
      // A lambda's synthetic name (lambda$main$3) shifts when other lambdas are added to its
      // class, so it is left out: the body and descriptor identify it.
      String name = method[0].startsWith("lambda$") ? "lambda" : method[0];
      update(digest, owner + "." + name + method[1]);
      if (file == null) {
        update(digest, "<no class file>");
        continue;
      }
      hashMethod(file, owner, method[0], method[1], digest, todo);
    }
    return new Code(digest.digest(), resultType(lambda, loader));
  }

  private static @Nullable SerializedLambda serializedLambda(Object implementation) {
    if (!(implementation instanceof java.io.Serializable)) {
      return null;
    }
    try {
      Method writeReplace = implementation.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return writeReplace.invoke(implementation) instanceof SerializedLambda s ? s : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static byte @Nullable [] classFile(String className, @Nullable ClassLoader loader) {
    String resource = className.replace('.', '/') + ".class";
    ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader();
    try (InputStream in = from.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /** The implementing method's declared return type: what cached results are read back as. */
  private static Type resultType(SerializedLambda lambda, @Nullable ClassLoader loader) {
    try {
      Class<?> owner = Class.forName(lambda.getImplClass().replace('/', '.'), false, loader);
      if (lambda.getImplMethodKind() == java.lang.invoke.MethodHandleInfo.REF_newInvokeSpecial) {
        return owner;
      }
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(lambda.getImplMethodName())
            && org.objectweb.asm.Type.getMethodDescriptor(m)
                .equals(lambda.getImplMethodSignature())) {
          Type type = m.getGenericReturnType();
          if (type == void.class) {
            return Void.class;
          }
          if (type instanceof Class<?> c && c.isPrimitive()) {
            return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
          }
          return type instanceof TypeVariable<?> ? Object.class : type;
        }
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // fall through: unknown
    }
    return Object.class;
  }

  private static void hashMethod(
      byte[] file,
      String owner,
      String name,
      String descriptor,
      MessageDigest digest,
      Deque<String[]> todo) {
    new ClassReader(file)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public @Nullable MethodVisitor visitMethod(
                  int access,
                  String methodName,
                  String methodDescriptor,
                  String signature,
                  String[] exceptions) {
                if (!methodName.equals(name) || !methodDescriptor.equals(descriptor)) {
                  return null;
                }
                update(digest, "access " + (access & ~Modifier.TRANSIENT));
                return new Hasher(digest, owner, todo);
              }
            },
            ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
  }

  static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  /** Hashes each instruction with its operands resolved; labels by order of appearance. */
  private static final class Hasher extends MethodVisitor {
    private final MessageDigest digest;
    private final String owner;
    private final Deque<String[]> todo;
    private final Map<Label, Integer> labels = new HashMap<>();

    Hasher(MessageDigest digest, String owner, Deque<String[]> todo) {
      super(Opcodes.ASM9);
      this.digest = digest;
      this.owner = owner;
      this.todo = todo;
    }

    private void put(String text) {
      update(digest, text);
    }

    private String label(Label label) {
      return "L" + labels.computeIfAbsent(label, l -> labels.size());
    }

    @Override
    public void visitInsn(int opcode) {
      put("i" + opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      put("n" + opcode + " " + operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      put("v" + opcode + " " + varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      put("t" + opcode + " " + type);
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
      put("f" + opcode + " " + fieldOwner + "." + name + ":" + descriptor);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
      put("m" + opcode + " " + methodOwner + "." + name + descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      StringBuilder s = new StringBuilder("d ").append(name).append(descriptor).append(' ');
      s.append(bootstrap);
      for (Object argument : arguments) {
        s.append(' ').append(argument);
        // A lambda created here: its body is part of this task's code.
        if (argument instanceof Handle h && h.getOwner().equals(owner)) {
          todo.add(new String[] {h.getName(), h.getDesc()});
        }
      }
      put(s.toString());
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      put("j" + opcode + " " + label(label));
    }

    @Override
    public void visitLabel(Label label) {
      put(label(label));
    }

    @Override
    public void visitLdcInsn(Object value) {
      put("c " + value.getClass().getSimpleName() + " " + value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      put("inc " + varIndex + " " + increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
      StringBuilder s = new StringBuilder("ts ").append(min).append(' ').append(max);
      s.append(' ').append(label(dflt));
      for (Label target : targets) {
        s.append(' ').append(label(target));
      }
      put(s.toString());
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
      StringBuilder s = new StringBuilder("ls ").append(label(dflt));
      for (int k = 0; k < keys.length; k++) {
        s.append(' ').append(keys[k]).append(':').append(label(targets[k]));
      }
      put(s.toString());
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      put("ma " + descriptor + " " + numDimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      put("try " + label(start) + " " + label(end) + " " + label(handler) + " " + type);
    }
  }
}
