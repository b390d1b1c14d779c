package org.example.peek;

/** Reaches into dice4j's internals, which the module descriptor does not export. */
public final class Peek {
    public static void main(String[] args) {
        System.out.println(org.dice4j.internal.KernelProvider.get());
    }
}
