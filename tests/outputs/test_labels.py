"""Tests for gvc_upgrading.outputs.labels: label boxes placed clear of each other, of the
points and of obstacles, inside the axes, in crowded hand-built examples."""

from __future__ import annotations

import numpy as np
import pytest

from gvc_upgrading.outputs.labels import boxes_overlap, place_labels

LABEL = (21.0, 9.0)  # an ISO3 code at 6.5 pt, in pixels at 100 dpi
RADIUS = 3.5


def boxes(centres: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return np.hstack([centres - sizes / 2, centres + sizes / 2])


def crowd(seed: int, n: int, spread: float) -> np.ndarray:
    """``n`` points around (200, 200): half in a tight knot, the rest spread out."""
    rng = np.random.default_rng(seed)
    knot = rng.normal(200, 3, size=(n // 2, 2))
    rest = rng.normal(200, spread, size=(n - n // 2, 2))
    return np.clip(np.vstack([knot, rest]), 20, 380)


@pytest.mark.parametrize(("seed", "n", "spread"), [(0, 50, 40), (1, 30, 10), (2, 60, 90)])
def test_crowded_labels_end_up_clear_of_each_other_the_points_and_the_edges(seed, n, spread):
    anchors = crowd(seed, n, spread)
    sizes = np.tile(LABEL, (n, 1))
    markers = np.hstack([anchors - RADIUS, anchors + RADIUS])
    caption = np.array([[250.0, 370.0, 398.0, 398.0]])  # a quadrant caption in a corner
    bounds = (0.0, 0.0, 400.0, 400.0)
    centres, resolved = place_labels(anchors, sizes, np.vstack([markers, caption]), bounds,
                                     radius=RADIUS)
    assert resolved
    labels = boxes(centres, sizes)
    assert len(boxes_overlap(labels)) == 0
    against = boxes_overlap(np.vstack([labels, markers, caption]))
    assert not [(i, j) for i, j in against if i < n <= j], "a label covers a point or caption"
    assert (labels[:, :2] >= 0).all() and (labels[:, 2:] <= 400).all()


def test_a_label_with_room_sits_right_beside_its_point():
    anchors = np.array([[100.0, 100.0], [300.0, 300.0]])
    sizes = np.array([LABEL, LABEL])
    centres, resolved = place_labels(anchors, sizes, radius=RADIUS, padding=2.0)
    assert resolved
    expected_dx = RADIUS + 2.0 + (LABEL[0] + 2.0) / 2
    np.testing.assert_allclose(centres - anchors, [[expected_dx, 0.0], [expected_dx, 0.0]])


def test_two_points_at_one_place_get_two_labels():
    anchors = np.array([[100.0, 100.0], [100.0, 100.0], [100.4, 99.8]])
    sizes = np.tile(LABEL, (3, 1))
    centres, resolved = place_labels(anchors, sizes, radius=RADIUS)
    assert resolved and len(boxes_overlap(boxes(centres, sizes))) == 0
    assert np.hypot(*(centres - anchors).T).max() < 3 * LABEL[0]  # still near their points


def test_a_full_area_is_reported_not_hidden():
    anchors = np.tile([[10.0, 10.0]], (40, 1))
    centres, resolved = place_labels(anchors, np.tile(LABEL, (40, 1)),
                                     bounds=(0, 0, 60, 30))
    assert not resolved
    assert centres.shape == (40, 2)


def test_boxes_overlap_counts_touching_as_clear():
    pairs = boxes_overlap(np.array([[0, 0, 10, 10], [10, 0, 20, 10], [5, 5, 15, 15]]))
    assert pairs.tolist() == [[0, 2], [1, 2]]
