package io.agentload.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from what a run writes about itself: values under secret-looking keys ({@code api_key},
 * {@code token}, {@code password}, {@code authorization}...), credentials inside URLs ({@code user:pass@host},
 * {@code ?api_key=...}), bearer tokens and OpenAI-style keys anywhere in a string. The name of the environment
 * variable holding a key (e.g. {@code api_key_env: OPENAI_API_KEY}) is kept: it is not the secret.
 */
final class Secrets {

    static final String REDACTED = "<redacted>";

    private static final Pattern SECRET_KEY = Pattern.compile(
            "(^|[-_.])(api[-_]?key|apikey|key|token|access[-_]?token|secret|password|passwd|authorization|auth"
                    + "|credentials?|cookie|bearer)$");
    private static final Pattern URL_USERINFO = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&](?:api[-_]?key|key|token|access_token|secret|password|sig|signature)=)[^&#\\s]*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");
    private static final Pattern OPENAI_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_-]{16,}");

    private Secrets() {
    }

    /** A copy of {@code map} (nested maps and lists too) with every secret replaced by {@value #REDACTED}. */
    static Map<String, Object> redact(Map<String, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, secretKey(k) && v != null ? REDACTED : redactValue(v)));
        return out;
    }

    private static Object redactValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return redact(copy);
        }
        if (value instanceof Iterable<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object v : list) out.add(redactValue(v));
            return out;
        }
        if (value instanceof CharSequence s) return redactString(s.toString());
        return value;
    }

    static boolean secretKey(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    static String redactString(String s) {
        s = URL_USERINFO.matcher(s).replaceAll("$1");
        s = QUERY_SECRET.matcher(s).replaceAll("$1" + REDACTED);
        s = BEARER.matcher(s).replaceAll("$1" + REDACTED);
        return OPENAI_KEY.matcher(s).replaceAll(REDACTED);
    }
}
