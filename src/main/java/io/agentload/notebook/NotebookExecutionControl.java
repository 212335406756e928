package io.agentload.notebook;

import jdk.jshell.execution.LocalExecutionControl;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs snippets in the kernel's own JVM and keeps the value of each as the real object, so that charts, images and
 * tables can be rendered rather than printed with {@code toString()}.
 *
 * <p>{@link LocalExecutionControl} can stop a runaway cell (it weaves stop checks into snippet code) but hands JShell
 * only the value's {@code toString()}. So each snippet's do-it method runs through a trampoline that records the
 * value, and JShell is given a key to it instead of its text.
 */
final class NotebookExecutionControl extends LocalExecutionControl {

    /** The invocation the trampoline runs; inheritable because the snippet runs on a thread the superclass starts. */
    private static final InheritableThreadLocal<Invocation> CURRENT = new InheritableThreadLocal<>();
    private static final Method TRAMPOLINE = trampoline();

    private final Map<String, Object> values = new HashMap<>();
    private long invocations;
    private volatile boolean stopRequested;

    @Override
    protected String invoke(Method doit) throws Exception {
        Invocation invocation = new Invocation(doit, this);
        CURRENT.set(invocation);
        try {
            super.invoke(TRAMPOLINE);
        } finally {
            CURRENT.remove();
        }
        if (stopRequested) throw new StoppedException();
        String key = "agentload-value-" + ++invocations;
        values.put(key, invocation.value);
        return key;
    }

    /**
     * Stops the running snippet and keeps later ones from starting until {@link #clearStopRequest()}: a stop that
     * comes while JShell is still compiling must not let the snippet start afterwards.
     */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        stopRequested = true;
        super.stop();
    }

    /** Whether {@link #stop()} was called since the last {@link #clearStopRequest()}. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Lets snippets run again (a new cell starts). */
    void clearStopRequest() {
        stopRequested = false;
    }

    /** Whether {@code key} (a snippet event's value) names a value recorded since the last {@link #clearValues()}. */
    boolean hasValue(String key) {
        return key != null && values.containsKey(key);
    }

    /** The object recorded under {@code key}; may be null. */
    Object value(String key) {
        return values.get(key);
    }

    /** Forgets recorded values, so that objects no cell shows can be collected. */
    void clearValues() {
        values.clear();
    }

    /**
     * Runs the current snippet on the thread the superclass started for it, where a stop is already effective: a
     * stop requested before this point skips the snippet, one after it stops the snippet's code.
     */
    private static Object runCurrent() throws Throwable {
        Invocation invocation = CURRENT.get();
        if (invocation.control.stopRequested) return null;
        try {
            invocation.value = invocation.doit.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return null;
    }

    private static Method trampoline() {
        try {
            Method method = NotebookExecutionControl.class.getDeclaredMethod("runCurrent");
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Invocation {
        final Method doit;
        final NotebookExecutionControl control;
        Object value;

        Invocation(Method doit, NotebookExecutionControl control) {
            this.doit = doit;
            this.control = control;
        }
    }
}
