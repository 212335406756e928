package io.agentload;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The public API, as a user outside the project sees it: every public type outside {@code internal} packages with
 * its public and protected members, one line each, compared with {@code src/test/resources/api/agentload.api}, as
 * OkHttp's API dump check does. A change to the API fails here until the dump is regenerated on purpose:
 * {@code ./mvnw -B test -Dtest=PublicApiTest -Dapi.update=true}, and the diff reviewed with the change.
 */
class PublicApiTest {

    private static final Path DUMP = Path.of("src/test/resources/api/agentload.api");
    private static final int MAX_TOP_LEVEL_TYPES = 45;

    @Test
    void thePublicApiIsTheOneRecorded() throws IOException {
        String actual = String.join("\n", dump()) + "\n";
        if (Boolean.getBoolean("api.update")) Files.writeString(DUMP, actual, StandardCharsets.UTF_8);
        String expected = Files.exists(DUMP) ? Files.readString(DUMP, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            Path written = Path.of("target/agentload.api");
            Files.writeString(written, actual, StandardCharsets.UTF_8);
            List<String> was = expected.lines().toList(), now = actual.lines().toList();
            List<String> diff = new ArrayList<>();
            was.stream().filter(l -> !now.contains(l)).forEach(l -> diff.add("- " + l));
            now.stream().filter(l -> !was.contains(l)).forEach(l -> diff.add("+ " + l));
            fail("the public API changed (" + written + " holds it now); if on purpose, regenerate " + DUMP
                    + " with -Dapi.update=true:\n" + String.join("\n", diff.subList(0, Math.min(60, diff.size()))));
        }
    }

    @Test
    void aUserMeetsAtMost45TopLevelTypes() throws IOException {
        List<String> topLevel = publicTypes().stream().filter(c -> c.getEnclosingClass() == null)
                .map(Class::getName).toList();
        assertTrue(topLevel.size() <= MAX_TOP_LEVEL_TYPES, topLevel.size() + " public top-level types: " + topLevel);
    }

    @Test
    void internalPackagesSayTheyAreNotApi() throws IOException {
        for (Class<?> c : classes()) {
            if (!c.getPackageName().contains(".internal")) continue;
            Path info = Path.of("src/main/java", c.getPackageName().replace('.', '/'), "package-info.java");
            assertTrue(Files.readString(info).toLowerCase(java.util.Locale.ROOT).contains("not api"),
                    info + " must say the package is not API");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKernelImportsOnlyApiPackages() throws ReflectiveOperationException, IOException {
        Field field = io.agentload.notebook.NotebookKernel.class.getDeclaredField("AGENTLOAD_PACKAGES");
        field.setAccessible(true);
        TreeSet<String> imported = new TreeSet<>();
        for (String name : (List<String>) field.get(null)) imported.add("io.agentload." + name);
        TreeSet<String> api = new TreeSet<>();
        for (Class<?> c : publicTypes()) api.add(c.getPackageName());
        api.remove("io.agentload.cli");
        api.remove("io.agentload.notebook");
        assertEquals(api, imported);
    }

    static List<String> dump() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Class<?> c : publicTypes()) {
            lines.add(kind(c) + " " + c.getName().replace('$', '.') + supertypes(c));
            TreeSet<String> members = new TreeSet<>();
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add("  " + modifiers(f.getModifiers()) + type(f.getGenericType()) + " " + f.getName());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) members.add("  " + signature(k, "<init>", null));
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    members.add("  " + signature(m, m.getName(), m.getGenericReturnType()));
                }
            }
            lines.addAll(members);
        }
        return lines;
    }

    private static List<Class<?>> publicTypes() throws IOException {
        return classes().stream().filter(c -> !c.getPackageName().contains(".internal"))
                .filter(PublicApiTest::reachable)
                .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
    }

    /** Public, and every enclosing type public too: what code outside the package can name. */
    private static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }

    private static List<Class<?>> classes() throws IOException {
        Path root;
        try {
            root = Path.of(io.agentload.cli.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(root.resolve("io/agentload"))) {
            List<Class<?>> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("package-info")) continue;
                try {
                    out.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String kind(Class<?> c) {
        String kind = c.isAnnotation() ? "@interface" : c.isRecord() ? "record" : c.isEnum() ? "enum"
                : c.isInterface() ? "interface" : "class";
        String mods = c.isInterface() || c.isRecord() || c.isEnum() ? ""
                : (Modifier.isAbstract(c.getModifiers()) ? "abstract " : "")
                + (Modifier.isFinal(c.getModifiers()) ? "final " : "");
        return (c.isSealed() ? "sealed " : "") + mods + kind;
    }

    private static String supertypes(Class<?> c) {
        List<String> names = new ArrayList<>();
        Type superclass = c.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !c.isEnum() && !c.isRecord()) {
            names.add(type(superclass));
        }
        Arrays.stream(c.getGenericInterfaces()).map(PublicApiTest::type).forEach(names::add);
        return names.isEmpty() ? "" : " : " + String.join(", ", names);
    }

    private static String modifiers(int m) {
        return (Modifier.isProtected(m) ? "protected " : "") + (Modifier.isStatic(m) ? "static " : "")
                + (Modifier.isFinal(m) ? "final " : "") + (Modifier.isAbstract(m) ? "abstract " : "");
    }

    private static String signature(Executable e, String name, Type returns) {
        String parameters = Arrays.stream(e.getGenericParameterTypes()).map(PublicApiTest::type)
                .collect(Collectors.joining(", "));
        int mods = e.getModifiers() & ~(e.getDeclaringClass().isInterface() ? Modifier.ABSTRACT : 0);
        return modifiers(mods) + (returns == null ? "" : type(returns) + " ") + name + "(" + parameters + ")";
    }

    private static String type(Type t) {
        return t.getTypeName().replace('$', '.');
    }
}
