package org.dice4j.internal;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the kernels once, at class load: the Vector API kernels when the {@code jdk.incubator.vector} module is
 * in the boot layer, the scalar ones otherwise (with one warning). {@code -Ddice4j.provider=scalar|vector} forces
 * a choice; forcing {@code vector} without the module is an error. The vector classes are loaded by name only, so
 * they never load when the module is absent.
 */
public final class KernelProvider {
    /** System property that forces the kernels: {@code scalar} or {@code vector}. */
    public static final String PROPERTY = "dice4j.provider";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNELS = "org.dice4j.internal.vectorization.VectorKernels";
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private KernelProvider() {}

    /**
     * The kernels every loss uses.
     *
     * @throws IllegalArgumentException when {@code -Ddice4j.provider} names no kernels or forces unavailable ones
     */
    public static Kernels get() {
        if (Holder.FAILURE != null) {
            throw Holder.FAILURE;
        }
        return Holder.INSTANCE;
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return ScalarHolder.INSTANCE;
    }

    /** The Vector API kernels, when the module is present and the hardware supports them. */
    public static Optional<Kernels> vector() {
        return VectorHolder.INSTANCE;
    }

    /** Whether the incubating Vector API module is in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    // Holders defer initialisation to first use and prevent class-loading deadlocks between the providers.
    private static final class ScalarHolder {
        static final Kernels INSTANCE = new ScalarKernels();
    }

    private static final class VectorHolder {
        static final Optional<Kernels> INSTANCE = loadVectorKernels(false);
    }

    private static final class Holder {
        static final Kernels INSTANCE;
        // A bad -Ddice4j.provider is reported on every call, not as an ExceptionInInitializerError once.
        static final RuntimeException FAILURE;

        static {
            Kernels kernels = null;
            RuntimeException failure = null;
            try {
                kernels = lookup();
            } catch (IllegalArgumentException | IllegalStateException e) {
                failure = e;
            }
            INSTANCE = kernels;
            FAILURE = failure;
        }
    }

    private static Kernels lookup() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "scalar" -> {
                LOG.log(Level.INFO, "dice4j: scalar kernels forced by -D" + PROPERTY + "=scalar");
                return scalar();
            }
            case "vector" -> {
                if (!vectorModulePresent()) {
                    throw new IllegalArgumentException("-D" + PROPERTY + "=vector needs the " + VECTOR_MODULE
                            + " module: pass '--add-modules " + VECTOR_MODULE + "' to the java command");
                }
                return loadVectorKernels(true).orElseThrow();
            }
            case "" -> {
                return vector().orElseGet(KernelProvider::scalar);
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + ": expected 'scalar' or 'vector', got '"
                    + forced + "'");
        }
    }

    private static Optional<Kernels> loadVectorKernels(boolean required) {
        if (!vectorModulePresent()) {
            if (!required) {
                LOG.log(Level.WARNING, "Java vector incubator module is not readable. For optimal performance,"
                        + " pass '--add-modules " + VECTOR_MODULE + "' to the java command; dice4j uses its scalar"
                        + " kernels");
            }
            return Optional.empty();
        }
        try {
            Kernels kernels = (Kernels) Class.forName(VECTOR_KERNELS).getDeclaredConstructor().newInstance();
            LOG.log(Level.INFO, "dice4j: " + kernels);
            return Optional.of(kernels);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (required) {
                throw new IllegalStateException("dice4j: vector kernels unavailable: " + cause.getMessage(), cause);
            }
            LOG.log(Level.WARNING, "dice4j: vector kernels unavailable (" + cause.getMessage()
                    + "); dice4j uses its scalar kernels");
            return Optional.empty();
        }
    }
}
