/**
 * The Jupyter kernel: JShell running cells in the kernel's JVM with agentload, Tablesaw and XChart on the class path,
 * IJava's magics ({@code %jars}, {@code %classpath}, {@code %maven}, {@code %%time}), renderers for charts, images
 * and tables, and the kernelspec that {@code agentload kernel install} writes. Entry points:
 * {@link io.agentload.notebook.NotebookKernel} and {@link io.agentload.notebook.KernelSpec}.
 */
@NullMarked
package io.agentload.notebook;

import org.jspecify.annotations.NullMarked;
