"""The survey numbers worked by hand: NRR per unsur, IKM with one ninth per unsur, the
converted value and its grade (results landing exactly on every grade boundary), the
Krejcie–Morgan sample of the published table, and the IPKP/IPAK mean."""

from decimal import Decimal

import pytest

from surveys import scoring


def respondents(*counts: tuple[int, int]) -> list[list[int]]:
    """``counts`` as (answer, how many), laid out row by row, nine answers a row."""
    flat = [answer for answer, many in counts for _ in range(many)]
    assert len(flat) % 9 == 0
    return [flat[i : i + 9] for i in range(0, len(flat), 9)]


def test_thirty_respondents_worked_by_hand():
    # Unsur u has k_u answers of 4 and the rest 3, so NRR_u = 3 + k_u/30.
    fours = [30, 15, 6, 12, 9, 21, 27, 3, 0]
    rows = [[4 if r < k else 3 for k in fours] for r in range(30)]
    result = scoring.skm_result(rows)
    assert result.respondents == 30
    assert result.nrr == tuple(
        Decimal(x) for x in ("4", "3.5", "3.2", "3.4", "3.3", "3.7", "3.9", "3.1", "3")
    )
    # Sum of the NRRs 31.1; IKM 31.1 / 9 = 3.4555…; × 25 = 86.3888… → 86.39: B.
    assert scoring.rounded(result.ikm, Decimal("0.0001")) == Decimal("3.4556")
    assert result.converted == Decimal("86.39")
    assert (result.grade.letter, result.grade.label) == ("B", "Baik")
    # The printed weight 0.111 would have given 86.30: one ninth is used, exactly.
    printed = scoring.rounded(sum(result.nrr) * Decimal("0.111") * 25)
    assert printed == Decimal("86.30") != result.converted
    assert scoring.UNSUR_WEIGHT_TEXT == "1/9"


@pytest.mark.parametrize(
    ("counts", "converted", "letter"),
    [
        # converted = (sum of all answers) × 25 / (9 × respondents)
        (((4, 11979), (3, 10521)), "88.31", "A"),  # 2,500 respondents, sum 79,479
        (((4, 1197), (3, 1053)), "88.30", "B"),  # 250 respondents, sum 7,947
        (((4, 1449), (3, 21051)), "76.61", "B"),  # 2,500, sum 68,949
        (((4, 72), (3, 1053)), "76.60", "C"),  # 125, sum 3,447
        (((3, 162), (2, 108)), "65.00", "C"),  # 30, sum 702
        (((3, 13491), (2, 9009)), "64.99", "D"),  # 2,500, sum 58,491
        (((1, 270),), "25.00", "D"),  # 30, everything 1
        (((4, 270),), "100.00", "A"),  # 30, everything 4
    ],
)
def test_results_landing_exactly_on_each_grade_boundary(counts, converted, letter):
    result = scoring.skm_result(respondents(*counts))
    assert result.converted == Decimal(converted)
    assert result.grade.letter == letter


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        ("88.305", "A"),  # rounded half-up to 88.31
        ("88.3049", "B"),
        ("76.605", "B"),
        ("76.6049", "C"),
        ("64.995", "C"),
        ("64.9949", "D"),
    ],
)
def test_values_between_the_printed_bands_are_rounded_half_up_first(value, letter):
    assert scoring.grade(Decimal(value)).letter == letter


@pytest.mark.parametrize(("population", "sample"), [(50, 44), (100, 80), (1000, 278), (10000, 370)])
def test_krejcie_morgan_matches_the_published_table(population, sample):
    assert scoring.sample_size(population) == sample


def test_a_service_without_users_needs_no_sample_and_a_unit_needs_thirty():
    assert scoring.sample_size(0) == 0
    assert scoring.MIN_RESPONDENTS == 30


def test_ipkp_and_ipak_are_the_mean_answer():
    # 8 × 4, 8 × 3, 4 × 2 → 64 / 20 = 3.2, the LKE threshold for WBK on Pelayanan prima.
    assert scoring.mean([4] * 8 + [3] * 8 + [2] * 4) == Decimal("3.2")
    assert scoring.mean([]) is None


@pytest.mark.parametrize("bad", [0, 5, 2.5, "3", None, True])
def test_answers_outside_one_to_four_are_refused(bad):
    with pytest.raises(ValueError, match="1–4"):
        scoring.mean([4, bad])


def test_an_skm_row_must_answer_all_nine_unsur():
    with pytest.raises(ValueError, match="all 9"):
        scoring.skm_result([[4] * 8])
    assert scoring.skm_result([]) is None
