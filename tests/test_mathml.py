"""The fast MathML path (formula shapes cached, numbers put back) gives exactly latex2mathml's output."""

from __future__ import annotations

import pytest
from latex2mathml.converter import convert as latex2mathml

from quizgen.problems import sheet as worksheet
from quizgen.render.mathml import convert


@pytest.mark.parametrize(
    "tex",
    [
        r"\left\lfloor\frac{7 - 3 + 2 \cdot 0}{1}\right\rfloor + 1 = 4 + 1",
        r"\text{51,200} + 0",
        r"10^{6} \times 2.5",
        r"10^6",  # a superscript without braces takes one digit: converted directly
        r"x_12",
        r"\frac12",
        r"\frac{a}2",
        r"\sqrt2",
        r"\text{conv1} + 3",
        r"\text{weights} \times H_{\text{out}}",
    ],
)
def test_fast_path_matches_latex2mathml_on_tricky_formulas(tex):
    assert convert(tex) == latex2mathml(tex)


def test_fast_path_matches_latex2mathml_on_every_formula_of_many_keys():
    plan = worksheet.plan("default", variants=60)
    formulas = set()
    for _stem, student, seed in plan.sheets:
        for p in worksheet.build_sheet(plan.recipe, seed, student=student).problems:
            for s in p.steps:
                formulas.update(t for t in (s.formula_tex, s.substituted_tex) if t)
    assert len(formulas) > 200
    convert.cache_clear()
    for tex in sorted(formulas):
        assert convert(tex) == latex2mathml(tex), tex
