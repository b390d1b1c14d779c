package org.dice4j.internal;

/**
 * How a pass over {@code images} images is cut into tasks: the voxels [0, vectorVoxels) of each image in tasks of
 * {@code taskVoxels} voxels, numbered image by image. The boundaries depend on the shape only, never on the thread
 * count, so that per-task results added in task order give the same bits on any number of threads. Not an API:
 * public only for the vectorization package.
 *
 * @param tasksPerImage ⌈vectorVoxels / taskVoxels⌉, or at least 1 (see {@link #atLeastOnePerImage})
 */
public record TaskGrid(long images, long vectorVoxels, int taskVoxels, int tasksPerImage) {
    /**
     * Elements (images × classes × voxels) below which a pass stays on the calling thread: handing tasks to other
     * threads costs ~15 µs, more than a small pass (measured: (4,3,32,32) softmax took 8 µs on one thread and 24 µs on
     * two; (4,3,64,64) 29 µs and 16 µs).
     */
    public static final long MIN_PARALLEL_ELEMENTS = 1 << 15;

    /** The grid of {@code images} images of {@code vectorVoxels} voxels each, in tasks of {@code taskVoxels}. */
    public static TaskGrid of(long images, long vectorVoxels, int taskVoxels) {
        return new TaskGrid(images, vectorVoxels, taskVoxels, (int) ((vectorVoxels + taskVoxels - 1) / taskVoxels));
    }

    /** This grid with one (empty) task for an image without vector voxels: for passes whose tasks check the tail. */
    public TaskGrid atLeastOnePerImage() {
        return new TaskGrid(images, vectorVoxels, taskVoxels, Math.max(1, tasksPerImage));
    }

    /** {@code requested}, or the calling thread alone for a pass of fewer than {@link #MIN_PARALLEL_ELEMENTS}. */
    public static Parallelism parallelism(Parallelism requested, long elements) {
        return elements < MIN_PARALLEL_ELEMENTS ? Parallelism.SEQUENTIAL : requested;
    }

    public int tasks() {
        return Math.toIntExact(images * tasksPerImage);
    }

    /** The image of {@code task}. */
    public long image(int task) {
        return task / tasksPerImage;
    }

    /** The first voxel of {@code task} in its image. */
    public long from(int task) {
        return (long) (task % tasksPerImage) * taskVoxels;
    }

    /** The end (exclusive) of {@code task}'s voxels. */
    public long to(int task) {
        return Math.min(from(task) + taskVoxels, vectorVoxels);
    }

    /** Whether {@code task} is its image's last. */
    public boolean lastOfImage(int task) {
        return task % tasksPerImage == tasksPerImage - 1;
    }

    /** The first task of image n. */
    public int firstTask(long n) {
        return (int) n * tasksPerImage;
    }
}
