"""Canvas QTI 1.2: one quiz (a QTI assessment) per sheet, in one zip.

Figures travel as files in the zip, as text2qti packs images for Canvas: each at ``images/fig-….svg``,
listed in ``imsmanifest.xml`` as a ``webcontent`` resource of its own, and shown with
``<img src="%24IMS-CC-FILEBASE%24/images/fig-….svg">`` (Canvas's token for the package's files, which
its importer rewrites to the course file it makes).  The question's figure (never the answer) is in the
item's text, the key's figure in the general feedback.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from quizgen.exports.common import (
    Figure,
    Figures,
    Item,
    figure_element,
    h,
    html,
    intro_html,
    question_elements,
    recipe_label,
    rich,
    sheet_label,
    stable_id,
    steps_html,
    sub_element,
    zip_bytes,
)
from quizgen.exports.points import sheet_items
from quizgen.i18n import _
from quizgen.problems.problem import fmt_marks, fmt_value
from quizgen.problems.sheet import Sheet

# --- Canvas QTI 1.2 -------------------------------------------------------------------------------
# The subset Canvas writes and reads (its own QTI export): imsmanifest.xml names one resource of type
# imsqti_xmlv1p2 per quiz, whose file is a <questestinterop><assessment> of <item>s; each item says
# its kind in <qtimetadata> (question_type), scores with a SCORE variable from 0 to 100, and carries
# feedback as <itemfeedback> (general_fb, general_incorrect_fb, <answer id>_fb).
# Points: an item's worth is its points_possible (the recipe's marks, shared as in sheet_items), and
# the quiz's is their sum in assessment_meta.xml.  SCORE stays a percentage of points_possible, 0 to
# 100, as Canvas writes it for an item of any worth; writing the points there would change what a
# Canvas SCORE means, and Canvas takes an item's worth from points_possible alone.

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
IMSCP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_ASSESSMENT_TYPE = "imsqti_xmlv1p2"  # Canvas's resource type for a quiz in a QTI-only package
LOR_TYPE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"  # the quiz's Canvas settings
FIGURE_FOLDER = "images"
FILEBASE = "%24IMS-CC-FILEBASE%24"  # Canvas's $IMS-CC-FILEBASE$, URL-escaped as in an src attribute


def _figure(figure: Figure | None) -> ET.Element | None:
    return figure_element(figure, f"{FILEBASE}/{FIGURE_FOLDER}/{figure.name}") if figure else None


def _root(tag: str, namespace: str, schema: str, **attrs: str) -> ET.Element:
    """A root element whose default namespace is ``namespace``, with its schema location.

    The declarations are attributes, so that the elements below are in the default namespace
    without ElementTree's generated ``ns0:`` prefixes.
    """
    return ET.Element(
        tag, {"xmlns": namespace, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{namespace} {schema}", **attrs}
    )


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _qti_meta_field(parent: ET.Element, label: str, entry: str) -> None:
    field = sub_element(parent, "qtimetadatafield")
    sub_element(field, "fieldlabel", label)
    sub_element(field, "fieldentry", entry)


def _qti_mattext(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    sub_element(sub_element(parent, "material"), "mattext", text, texttype=texttype)


def _qti_feedback(item: ET.Element, ident: str, text: str) -> None:
    _qti_mattext(sub_element(sub_element(item, "itemfeedback", ident=ident), "flow_mat"), text)


def _qti_condition(processing: ET.Element, go_on: bool, feedback: str = "") -> tuple[ET.Element, ET.Element]:
    """A <respcondition> (``continue`` Yes or No) and its <conditionvar>; it shows ``feedback`` if given."""
    rc = sub_element(processing, "respcondition", **{"continue": "Yes" if go_on else "No"})
    cond = sub_element(rc, "conditionvar")
    if feedback:
        sub_element(rc, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return rc, cond


#: The half-width of the range that stands for an exact answer of 0 in Canvas; answers are whole numbers.
ZERO_MARGIN = "0.0001"


def _qti_item(item: Item, sheet: Sheet, ordinal: int, figures: Figures) -> ET.Element:
    """One item: a ``numerical_question`` with an exact answer (0 as a tiny range), or a ``multiple_choice_question``."""
    el = ET.Element("item", ident=stable_id("i", sheet.code, item.key, item.problem.id), title=item.name)
    answer_ids = [str(ordinal * 10 + i) for i in range(1, max(len(item.options), 1) + 1)]
    meta = sub_element(sub_element(el, "itemmetadata"), "qtimetadata")
    _qti_meta_field(meta, "question_type", "numerical_question" if item.numeric else "multiple_choice_question")
    _qti_meta_field(meta, "points_possible", _canvas_points(item.points))
    _qti_meta_field(meta, "original_answer_ids", ",".join(answer_ids))

    presentation = sub_element(el, "presentation")
    asked = _figure(figures.question(item.problem))
    _qti_mattext(presentation, html(h("div", *question_elements(item.problem, item.prompt, asked))))
    if item.numeric:
        response = sub_element(presentation, "response_str", ident="response1", rcardinality="Single")
        sub_element(sub_element(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        response = sub_element(presentation, "response_lid", ident="response1", rcardinality="Single")
        choices = sub_element(response, "render_choice")
        for answer_id, o in zip(answer_ids, item.options):
            _qti_mattext(sub_element(choices, "response_label", ident=answer_id), o.text, "text/plain")

    processing = sub_element(el, "resprocessing")
    sub_element(
        sub_element(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"
    )
    sub_element(_qti_condition(processing, True, "general_fb")[1], "other")
    if item.numeric:
        rc, cond = _qti_condition(processing, False)
        if item.answer == 0:
            # Canvas marks an exact answer of 0 incomplete; a range answer of ±ZERO_MARGIN grades right.
            sub_element(cond, "vargte", f"-{ZERO_MARGIN}", respident="response1")
            sub_element(cond, "varlte", ZERO_MARGIN, respident="response1")
        else:
            # An exact answer as Canvas writes one: equal to it, or between it and itself (a margin of 0).
            either = sub_element(cond, "or")
            sub_element(either, "varequal", str(item.answer), respident="response1")
            both = sub_element(either, "and")
            sub_element(both, "vargte", str(item.answer), respident="response1")
            sub_element(both, "varlte", str(item.answer), respident="response1")
        sub_element(rc, "setvar", "100", action="Set", varname="SCORE")
        if item.wrongs:  # Canvas keeps no feedback per wrong number: the known slips are the incorrect feedback
            sub_element(_qti_condition(processing, True, "general_incorrect_fb")[1], "other")
    else:
        for answer_id in answer_ids:
            sub_element(
                _qti_condition(processing, True, f"{answer_id}_fb")[1], "varequal", answer_id, respident="response1"
            )
        correct = next(i for i, o in zip(answer_ids, item.options) if o.correct)
        rc, cond = _qti_condition(processing, False)
        sub_element(cond, "varequal", correct, respident="response1")
        sub_element(rc, "setvar", "100", action="Set", varname="SCORE")

    _qti_feedback(el, "general_fb", steps_html(item.problem, _figure(figures.answer(item.problem))))
    if item.numeric and item.wrongs:
        slips = h("ul", *(h("li", h("strong", fmt_value(v)), ": ", *rich(why)) for v, why in item.wrongs))
        _qti_feedback(el, "general_incorrect_fb", html(h("p", _("Known wrong answers, and why:")), slips))
    for answer_id, o in zip(answer_ids, item.options):
        _qti_feedback(el, f"{answer_id}_fb", html(h("p", *rich(o.feedback))))
    return el


def _canvas_points(points: Fraction) -> str:
    """Points as Canvas writes them: ``1.0``, ``2.5``, ``0.33``."""
    text = fmt_marks(points)
    return text if "." in text else f"{text}.0"


def _sheet_title(sheet: Sheet) -> str:
    return f"{recipe_label(sheet)} · {sheet_label(sheet)}"


def _qti_assessment(sheet: Sheet, ident: str, items: list[Item], figures: Figures) -> bytes:
    root = _root("questestinterop", QTI_NS, "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    assessment = sub_element(root, "assessment", ident=ident, title=_sheet_title(sheet))
    _qti_meta_field(sub_element(assessment, "qtimetadata"), "cc_maxattempts", "unlimited")
    section = sub_element(assessment, "section", ident="root_section")
    for ordinal, item in enumerate(items, start=100):
        section.append(_qti_item(item, sheet, ordinal, figures))
    return _xml_bytes(root)


def _qti_settings(sheet: Sheet, ident: str, points: Fraction) -> bytes:
    """Canvas's ``assessment_meta.xml``: the quiz's title, description and settings."""
    root = _root("quiz", CANVAS_NS, "https://canvas.instructure.com/xsd/cccv1p0.xsd", identifier=ident)
    for tag, text in (
        ("title", _sheet_title(sheet)),
        ("description", intro_html(sheet)),
        ("shuffle_answers", "false"),  # keep the sheet's letters
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "practice_quiz"),
        ("points_possible", _canvas_points(points)),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "-1"),
    ):
        sub_element(root, tag, text)
    return _xml_bytes(root)


def _qti_manifest(quizzes: list[str], title: str, ident: str, figures: list[Figure]) -> bytes:
    root = _root("manifest", IMSCP_NS, "http://www.imsglobal.org/xsd/imscp_v1p1.xsd", identifier=ident)
    root.set("xmlns:imsmd", IMSMD_NS)
    metadata = sub_element(root, "metadata")
    sub_element(metadata, "schema", "IMS Content")
    sub_element(metadata, "schemaversion", "1.1.3")
    sub_element(
        sub_element(sub_element(sub_element(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title"),
        "imsmd:string",
        title,
    )
    sub_element(root, "organizations")
    resources = sub_element(root, "resources")
    for quiz in quizzes:
        resource = sub_element(resources, "resource", identifier=quiz, type=QTI_ASSESSMENT_TYPE)
        sub_element(resource, "file", href=f"{quiz}/{quiz}.xml")
        sub_element(resource, "dependency", identifierref=f"{quiz}_meta")
        settings = sub_element(
            resources, "resource", identifier=f"{quiz}_meta", type=LOR_TYPE, href=f"{quiz}/assessment_meta.xml"
        )
        sub_element(settings, "file", href=f"{quiz}/assessment_meta.xml")
    for figure in figures:
        href = f"{FIGURE_FOLDER}/{figure.name}"
        resource = sub_element(
            resources, "resource", identifier=stable_id("f", figure.name), type="webcontent", href=href
        )
        sub_element(resource, "file", href=href)
    return _xml_bytes(root)


def qti_zip(sheets: list[Sheet], *, figures: bool = True) -> bytes:
    """A Canvas QTI 1.2 zip: ``imsmanifest.xml``, per sheet a folder with its quiz and the quiz's settings,
    and with ``figures`` the figures' SVG files (see the module)."""
    drawn = Figures(figures)
    entries: list[tuple[str, bytes]] = []
    quizzes = []
    for sheet in sheets:
        ident = stable_id("g", sheet.recipe.name, sheet.code, sheet.student)
        items = sheet_items(sheet)
        entries.append((f"{ident}/{ident}.xml", _qti_assessment(sheet, ident, items, drawn)))
        points = sum((item.points for item in items), Fraction(0))
        entries.append((f"{ident}/assessment_meta.xml", _qti_settings(sheet, ident, points)))
        quizzes.append(ident)
    manifest = _qti_manifest(quizzes, recipe_label(sheets[0]), stable_id("m", *quizzes), drawn.files())
    images = [(f"{FIGURE_FOLDER}/{figure.name}", figure.data) for figure in drawn.files()]
    return zip_bytes([("imsmanifest.xml", manifest), *entries, *images])
