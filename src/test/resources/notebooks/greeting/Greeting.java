package smoke;

/**
 * The class in greeting.jar, which the kernel smoke notebook adds with {@code %jars}. Rebuild the jar with:
 * {@code javac --release 21 -d classes Greeting.java && jar --create --file greeting.jar
 * --date 2026-01-01T00:00:00Z -C classes smoke/Greeting.class}
 */
public final class Greeting {

    private Greeting() {
    }

    public static String hello(String name) {
        return "hello, " + name;
    }
}
