"""The repository's copies of the topic contract and the dev set still match the team's shared ones.

A helpline's clone has no `../shared/`: there this check is skipped (with the reason printed by `-rs`) and
every other test runs on the repository's own copies.
"""

import pytest

from safe_harbour.evaluation.sets import DEV_SET_PATH, SHARED_DIR, TOPICS_PATH


@pytest.mark.parametrize("copy", [TOPICS_PATH, DEV_SET_PATH], ids=lambda p: p.name)
def test_copy_matches_shared(copy):
    upstream = SHARED_DIR / copy.name
    if not upstream.exists():
        pytest.skip(f"no {upstream} beside the repository: nothing to compare {copy.name} with")
    assert copy.read_bytes() == upstream.read_bytes(), (
        f"{copy.relative_to(copy.parents[1])} has drifted from {upstream}: copy the shared file over it "
        f"(cp {upstream} {copy}) and re-run the tests, or bring the change to the shared contract first."
    )
