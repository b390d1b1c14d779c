#!/usr/bin/python3
"""Writes the NIfTI fixtures of dice4j's tests with nibabel, an independent NIfTI implementation, and the values
the tests expect, computed here with numpy (never with dice4j).

Run from the repository root with Debian's python3-nibabel and python3-numpy:

    /usr/bin/python3 src/test/resources/org/dice4j/cli/nifti/make_fixtures.py

It rewrites reader/ (one file per datatype, version, byte order and compression, with reader/expected.json: each
file's dims, datatype, values in file order, spacing and affine as nibabel reads them) and eval/ (a prediction
and a reference folder, dataset.json files, and the summary.json nnU-Net's rules give for each labelling, computed
by compute_summary below from the rules as nnU-Net's evaluate_predictions.py applies them). Fixed seeds: the
output is the same on every run with the same nibabel and numpy.
"""
import gzip
import io
import json
import os
import shutil

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
READER = os.path.join(HERE, "reader")
EVAL = os.path.join(HERE, "eval")


def affine_for(seed):
    """A rotation, anisotropic spacing and an offset, different for each seed."""
    angle = 0.3 + 0.1 * seed
    rotation = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag([0.8, 1.25, 2.5])
    affine[:3, 3] = [-10.5 + seed, 3.25, 7.0]
    return affine


def save(image, name, big_endian=False):
    """Saves through nibabel; big-endian files are written by nibabel from a big-endian header."""
    path = os.path.join(READER, name)
    if big_endian:
        header = image.header.as_byteswapped(">")
        image = type(image)(np.asanyarray(image.dataobj), image.affine, header)
    nib.save(image, path)
    return path


def save_scaled(raw, slope, inter, name, affine):
    """A NIfTI-1 file whose raw voxels are stored with scl_slope/scl_inter, written by nibabel's header and
    array writer (nib.save would recompute the scaling from the data)."""
    header = nib.Nifti1Header()
    header.set_data_dtype(raw.dtype)
    header.set_data_shape(raw.shape)
    header.set_sform(affine, code=2)
    header.set_slope_inter(slope, inter)
    header["vox_offset"] = 352
    buffer = io.BytesIO()
    header.write_to(buffer)
    nib.volumeutils.array_to_file(raw, buffer, raw.dtype, offset=352)
    path = os.path.join(READER, name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "wb") as out:
        out.write(buffer.getvalue())
    return path


def reader_fixtures():
    shutil.rmtree(READER, ignore_errors=True)
    os.makedirs(READER)
    rng = np.random.default_rng(21)
    shape = (3, 4, 5)
    files = {}
    types = [("uint8", 1, False, ".nii.gz"), ("int8", 2, False, ".nii"), ("int16", 1, True, ".nii.gz"),
             ("uint16", 2, True, ".nii"), ("int32", 1, False, ".nii"), ("uint32", 2, False, ".nii.gz"),
             ("int64", 2, True, ".nii.gz"), ("float32", 1, True, ".nii"), ("float64", 2, False, ".nii.gz")]
    for seed, (dtype, version, big, ending) in enumerate(types):
        info = np.iinfo(dtype) if dtype.startswith(("int", "uint")) else None
        low, high = (max(info.min, -1000), min(info.max, 1000)) if info else (-1000, 1000)
        values = rng.integers(low, high, size=shape).astype(dtype)
        if dtype.startswith("float"):
            values = (values / 8).astype(dtype)
        kind = nib.Nifti1Image if version == 1 else nib.Nifti2Image
        image = kind(values, affine_for(seed), dtype=dtype)
        name = f"{dtype}_v{version}_{'be' if big else 'le'}{ending}"
        files[name] = save(image, name, big)
    # Extensions before the voxels: vox_offset past 352.
    image = nib.Nifti1Image(rng.integers(0, 4, size=shape).astype("uint8"), affine_for(9))
    image.header.extensions.append(nib.nifti1.Nifti1Extension(6, b"dice4j fixture: a comment extension" * 3))
    files["extension_v1.nii.gz"] = save(image, "extension_v1.nii.gz")
    # The qform only (no sform).
    image = nib.Nifti1Image(rng.integers(0, 4, size=shape).astype("uint8"), None)
    image.set_qform(affine_for(10), code=1)
    image.set_sform(None, code=0)
    files["qform_v1.nii"] = save(image, "qform_v1.nii")
    # A 4-D score volume (x, y, z, C) stored as int16 with a slope and intercept.
    raw = rng.integers(-300, 300, size=shape + (2,)).astype("int16")
    files["scaled_scores_v1.nii.gz"] = save_scaled(raw, 0.25, -1.5, "scaled_scores_v1.nii.gz", affine_for(11))
    # A label map whose scaling would change its labels, and one whose scaling is the identity.
    labels = rng.integers(0, 4, size=shape).astype("int16")
    files["scaled_labels_v1.nii"] = save_scaled(labels, 2.0, 0.0, "scaled_labels_v1.nii", affine_for(12))
    files["unit_scaled_labels_v1.nii"] = save_scaled(labels, 1.0, 0.0, "unit_scaled_labels_v1.nii", affine_for(12))
    expected = {}
    for name, path in sorted(files.items()):
        image = nib.load(path)
        header = image.header
        data = np.asanyarray(image.dataobj)
        # nibabel moves the scaling into its array proxy when it loads a file.
        slope, inter = float(image.dataobj.slope), float(image.dataobj.inter)
        expected[name] = {
            "version": 2 if isinstance(image, nib.Nifti2Image) else 1,
            "big_endian": header.endianness == ">",
            "dims": [int(d) for d in data.shape],
            "datatype": str(header.get_data_dtype().newbyteorder("=")),
            "scaled": slope != 1 or inter != 0,
            "values": [float(v) for v in data.flatten(order="F")],
            "spacing": [float(z) for z in header.get_zooms()[:3]],
            "affine": [float(a) for a in header.get_best_affine()[:3].flatten()],
        }
    with open(os.path.join(READER, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)


CASES = ["Case_7", "case_003", "case_10", "case_2", "case_empty_ref", "case_empty_pred"]
IGNORE = 4


def eval_volumes():
    """Reference and prediction label maps: labels 0..3, the ignore label 4 in both (nnU-Net drops reference voxels
    of 4; a prediction voxel of 4 is in no label), one case with an empty reference, one with an empty prediction."""
    rng = np.random.default_rng(19)
    shape = (6, 5, 4)
    for folder in ("pred", "ref"):
        shutil.rmtree(os.path.join(EVAL, folder), ignore_errors=True)
        os.makedirs(os.path.join(EVAL, folder))
    for index, case in enumerate(CASES):
        ref = rng.choice([0, 1, 2, 3, IGNORE], size=shape, p=[0.4, 0.2, 0.15, 0.15, 0.1])
        pred = np.where(rng.random(shape) < 0.7, ref, rng.integers(0, 5, size=shape))
        if case == "case_003":
            pred[pred == 3] = 0  # label 3 never predicted
        if case == "case_empty_ref":
            ref[:] = 0
        if case == "case_empty_pred":
            pred[:] = 0
            ref[ref == 3] = 0  # label 3 empty in both: Dice and IoU NaN
        dtype = "int16" if index % 2 else "uint8"
        affine = affine_for(index)
        nib.save(nib.Nifti1Image(ref.astype(dtype), affine), os.path.join(EVAL, "ref", case + ".nii.gz"))
        nib.save(nib.Nifti1Image(pred.astype(dtype), affine), os.path.join(EVAL, "pred", case + ".nii.gz"))


def as_region(entry):
    return tuple(entry) if isinstance(entry, list) else entry


def labelling_from_dataset(dataset):
    """nnU-Net's reading of dataset.json: regions when some entry lists more than one id, else the sorted distinct
    ids (lists flattened); background-only entries and the ignore entry dropped."""
    entries = {k: v for k, v in dataset["labels"].items() if k != "ignore"}
    if any(isinstance(v, list) and len(v) > 1 for v in entries.values()):
        regions = [as_region(v) for v in entries.values()]
        return [r for r in regions if not (set(r if isinstance(r, tuple) else [r]) == {0})]
    ids = sorted({i for v in entries.values() for i in (v if isinstance(v, list) else [v])})
    return [i for i in ids if i != 0]


def counts(pred, ref, region, ignore):
    members = list(region) if isinstance(region, tuple) else [region]
    in_pred = np.isin(pred, members)
    in_ref = np.isin(ref, members)
    used = np.ones(ref.shape, bool) if ignore is None else ref != ignore
    tp = int(np.count_nonzero(in_pred & in_ref & used))
    fp = int(np.count_nonzero(in_pred & ~in_ref & used))
    fn = int(np.count_nonzero(~in_pred & in_ref & used))
    tn = int(np.count_nonzero(~in_pred & ~in_ref & used))
    if tp + fp + fn == 0:
        dice = iou = float("nan")
    else:
        dice = 2 * tp / (2 * tp + fp + fn)
        iou = tp / (tp + fp + fn)
    return {"Dice": dice, "IoU": iou, "TP": tp, "FP": fp, "FN": fn, "TN": tn, "n_pred": tp + fp, "n_ref": tp + fn}


def compute_summary(regions, ignore):
    names = sorted(os.listdir(os.path.join(EVAL, "pred")))
    per_case = []
    for name in names:
        pred = np.asanyarray(nib.load(os.path.join(EVAL, "pred", name)).dataobj)
        ref = np.asanyarray(nib.load(os.path.join(EVAL, "ref", name)).dataobj)
        per_case.append({"prediction_file": "pred/" + name, "reference_file": "ref/" + name,
                         "metrics": {str(r): counts(pred, ref, r, ignore) for r in regions}})
    metric_names = ["Dice", "IoU", "TP", "FP", "FN", "TN", "n_pred", "n_ref"]
    means = {str(r): {m: float(np.nanmean([case["metrics"][str(r)][m] for case in per_case])) for m in metric_names}
             for r in regions}
    foreground = [r for r in regions if not (not isinstance(r, tuple) and r == 0)]
    foreground_mean = {m: float(np.mean([means[str(r)][m] for r in foreground])) for m in metric_names}
    return {"metric_per_case": per_case, "mean": means, "foreground_mean": foreground_mean}


def eval_fixtures():
    eval_volumes()
    datasets = {
        "regions": {"labels": {"background": 0, "whole": [1, 2, 3], "core": [2, 3], "enhancing": [3], "ignore": IGNORE},
                    "file_ending": ".nii.gz"},
        "flat": {"labels": {"background": 0, "a": 1, "b": [2], "c": 3, "ignore": IGNORE}, "file_ending": ".nii.gz"},
    }
    for name, dataset in datasets.items():
        with open(os.path.join(EVAL, f"dataset_{name}.json"), "w") as out:
            json.dump(dataset, out, indent=4)
        regions = labelling_from_dataset(dataset)
        write_summary(f"expected_{name}.json", compute_summary(regions, dataset["labels"].get("ignore")))
    write_summary("expected_labels_0123.json", compute_summary([0, 1, 2, 3], None))
    numpy_means()


def numpy_means():
    """numpy's mean and nanmean of arrays of every length class (under 8, up to 128, split), some with NaN: the
    bits dice4j's NumpyMean must give."""
    rng = np.random.default_rng(8)
    arrays = []
    for n in [1, 2, 3, 7, 8, 9, 15, 16, 17, 127, 128, 129, 200, 255, 256, 257, 1000]:
        values = rng.random(n) * 10.0 ** rng.integers(-3, 4, size=n)
        if n > 2:
            values[rng.integers(0, n, size=n // 3)] = np.nan
        arrays.append({"values": [repr(float(v)) for v in values],
                       "nanmean": repr(float(np.nanmean(values))),
                       "mean_without_nan": repr(float(np.mean(values[~np.isnan(values)])))})
    with open(os.path.join(EVAL, "numpy_means.json"), "w") as out:
        json.dump(arrays, out, indent=1)


def write_summary(name, summary):
    with open(os.path.join(EVAL, name), "w") as out:
        json.dump(summary, out, sort_keys=True, indent=4)


if __name__ == "__main__":
    reader_fixtures()
    eval_fixtures()
