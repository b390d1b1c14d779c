package org.dice4j.cli;

/**
 * Where a NIfTI volume's voxels are in the world, as its header gives it: the sform rows when {@code sform_code} > 0,
 * else the qform (a rotation quaternion b, c, d, an offset and {@code qfac = pixdim[0]}) when {@code qform_code} > 0,
 * else only the spacing (the standard's "method 1"). Used to warn when a prediction and its reference disagree.
 *
 * @param quaternion {@code quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z}
 * @param srow {@code srow_x, srow_y, srow_z}, row-major 3 × 4
 */
record NiftiOrientation(int qformCode, double[] quaternion, int sformCode, double[] srow) {

    /** The first three rows of the voxel-to-world matrix, row-major 3 × 4. */
    double[] affine(double[] pixdim) {
        if (sformCode > 0) {
            return srow.clone();
        }
        double[] affine = new double[12];
        if (qformCode <= 0) {
            for (int axis = 0; axis < 3; axis++) {
                affine[axis * 4 + axis] = pixdim[axis + 1];
            }
            return affine;
        }
        double b = quaternion[0];
        double c = quaternion[1];
        double d = quaternion[2];
        // a is implied by |q| = 1; a rounding excess makes it 0 (the standard's rule).
        double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
        double[][] rotation = {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
        double qfac = pixdim[0] < 0 ? -1 : 1;
        double[] scale = {pixdim[1], pixdim[2], qfac * pixdim[3]};
        for (int row = 0; row < 3; row++) {
            for (int column = 0; column < 3; column++) {
                affine[row * 4 + column] = rotation[row][column] * scale[column];
            }
            affine[row * 4 + 3] = quaternion[3 + row];
        }
        return affine;
    }
}
