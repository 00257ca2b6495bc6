"""A knowledge base of a handful of entries, written as source files and built by the
production builder (as sqlite-utils' tests build their fixtures with the library itself).

Each table holds at most 20 rows, so a test's expectation can be read off this file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ARTICLE = (
    "如今内蒙古有职业院校237所，其中中职学校200所、高职院校37所，在校生39.33万人。"
    "2022年，高职单独招生录取33962人，对口招生录取6161人。"
    "莫旗中等职业学校位于呼伦贝尔市莫力达瓦达斡尔族自治旗，在校生从2015年的100多人到2020年全日制在校生破千。"
    "到2025年，建设优质中职学校50所。"
    "2022年，34所高职院校开展单独招生考试，招生专业覆盖19个专业大类。"
)
SCHOOLS = "如今内蒙古有职业院校237所，其中中职学校200所、高职院校37所"
ENROLMENT = "2022年，高职单独招生录取33962人，对口招生录取6161人"
# A count of schools whose passage also names 专业 and 招生: no answer to "开了多少个专业".
SEPARATE_SCHOOLS = "2022年，34所高职院校开展单独招生考试，招生专业覆盖19个专业大类"
MOQI = "莫旗中等职业学校位于呼伦贝尔市莫力达瓦达斡尔族自治旗，在校生从2015年的100多人到2020年全日制在校生破千"


def statistic(
    id: str,
    metric: str,
    scope: str,
    value: str,
    unit: str,
    answer: str,
    passage: str,
    keywords: list[str],
    year: int | None = 2022,
    kind: str = "count",
    subject: str = "内蒙古自治区",
) -> dict:
    return {
        "id": id,
        "metric": metric,
        "scope": scope,
        "subject": subject,
        "value": value,
        "unit": unit,
        "year": year,
        "period": None,
        "kind": kind,
        "keywords": keywords,
        "answer": answer,
        "passage": passage,
    }


STATISTICS = [
    statistic("schools-total", "职业院校数量", "全部", "237", "所", "内蒙古有职业院校237所。", SCHOOLS, ["职业院校"]),
    statistic(
        "schools-secondary", "中职学校数量", "中职", "200", "所", "内蒙古有中职学校200所。", SCHOOLS, ["中职学校"]
    ),
    statistic("schools-higher", "高职院校数量", "高职", "37", "所", "内蒙古有高职院校37所。", SCHOOLS, ["高职院校"]),
    statistic(
        "students-total",
        "职业院校在校生",
        "全部",
        "39.33",
        "万人",
        "职业院校在校生39.33万人。",
        "其中中职学校200所、高职院校37所，在校生39.33万人",
        ["在校生"],
    ),
    # Alike but for the channel their answers name: the channel a question names decides.
    statistic(
        "separate-enrollment-2022",
        "录取人数",
        "高职",
        "33962",
        "人",
        "2022年高职单独招生录取33962人。",
        ENROLMENT,
        ["录取人数", "录取"],
    ),
    statistic(
        "counterpart-enrollment-2022",
        "录取人数",
        "高职",
        "6161",
        "人",
        "2022年对口招生录取6161人。",
        ENROLMENT,
        ["录取人数", "录取"],
    ),
    statistic(
        "separate-enrollment-schools-2022",
        "开展单独招生考试的高职院校数",
        "高职",
        "34",
        "所",
        "2022年，34所高职院校开展单独招生考试。",
        SEPARATE_SCHOOLS,
        ["单招院校"],
    ),
    statistic(
        "moqi-students-2015",
        "在校生",
        "学校",
        "100",
        "人",
        "莫旗中等职业学校2015年在校生100多人。",
        MOQI,
        ["在校生"],
        year=2015,
        subject="莫旗中等职业学校",
    ),
    statistic(
        "target-quality-secondary-schools",
        "优质中职学校",
        "中职",
        "50",
        "所",
        "到2025年建设优质中职学校50所。",
        "到2025年，建设优质中职学校50所",
        ["优质中职学校", "优质中职"],
        year=2025,
        kind="target",
    ),
]
POLICY_FACTS = [
    {
        "id": "NM-SCHOOLS-2025",
        "topic": "院校数",
        "scope": "中职",
        "region": "内蒙古",
        "fact": "截至2025年，全区有中职学校171所。",
        "value": "171",
        "unit": "所",
        "effective_date": "2025年",
        "source_title": "自治区教育事业统计公报",
        "doc_number": "内教发〔2025〕1号",
        "issuer": "内蒙古自治区教育厅",
        "issue_date": "2025-12-01",
        "source_notes": "文号：二手来源，未见原文",
        "confidence": "high",
        "notes": None,
    },
]
POLICY_STATISTICS = [
    {
        "id": "schools-secondary-2025",
        "policy": "NM-SCHOOLS-2025",
        "metric": "中职学校数量",
        "scope": "中职",
        "subject": "内蒙古自治区",
        "value": "171",
        "unit": "所",
        "year": 2025,
        "kind": "count",
        "keywords": ["中职学校"],
        "answer": "截至2025年，全区有中职学校171所。",
    },
]
ENTITIES = [
    {
        "name": "莫旗中等职业学校",
        "type": "school",
        "aliases": ["莫旗职高"],
        "description": "位于呼伦贝尔市莫力达瓦达斡尔族自治旗",
        "passage": MOQI,
    },
    {"name": "呼伦贝尔市", "type": "league_city", "aliases": [], "description": "", "passage": MOQI},
    {
        "name": "莫力达瓦达斡尔族自治旗",
        "type": "banner_county",
        "aliases": ["莫旗"],
        "description": "",
        "passage": MOQI,
    },
]
TOPICS = [
    {
        "id": "admission-separate",
        "kind": "admission",
        "name": "高职单独招生（单招）",
        "values": ["单招"],
        "statements": [
            {
                "text": "2022年高职单独招生录取33962人。",
                "source": "article-2022",
                "passage": ENROLMENT,
                "answers": ["scale"],
                "keywords": ["录取"],
            }
        ],
    },
    {
        "id": "admission-counterpart",
        "kind": "admission",
        "name": "对口招生",
        "values": ["对口招生"],
        "statements": [{"text": "2022年对口招生录取6161人。", "source": "article-2022", "passage": ENROLMENT}],
    },
]
VOCABULARY = {
    "scope": {"中职": ["中职学校", "中等职业学校"], "高职": ["高职院校", "大专"], "全部": ["职业院校", "全区"]},
    "channel": {"单招": ["单独招生", "高职单招"], "对口招生": ["对口"]},
    "place": {"莫力达瓦达斡尔族自治旗": ["莫旗"], "呼伦贝尔市": ["呼伦贝尔"], "呼和浩特市": ["呼和浩特"]},
}
ASPECTS = {
    "aspects": {
        "what_is": {"label": "基本情况", "cues": ["是什么"], "ask": "{subject}是什么", "where": "exam"},
        "scale": {"label": "规模和数字", "cues": ["多少人"], "ask": "{subject}招多少人", "where": "exam"},
    },
    "details": {"cues": ["详细说说"]},
    "where_to_ask": {
        "exam": "看内蒙古招生考试信息网 https://www.nm.zsks.cn",
        "tuition": "问学校招生办",
        "province": "看当地教育考试院网站",
        "city_figures": "问当地的盟市教育局",
    },
    "where_by_kind": {"admission": "exam"},
    "other_regions": ["北京"],
}
ENGLISH = {"vocational schools": "职业院校", "how many": "多少"}
SOURCES = [
    {
        "id": "article-2022",
        "title": "内蒙古自治区：加速推进职业教育高质量发展",
        "issuer": "内蒙古自治区教育厅",
        "date": "2022",
        "doc_number": "",
        "url": "",
        "kind": "article",
    }
]


def write_sources(directory: Path, **replaced: object) -> Path:
    """The tiny knowledge base's source files in `directory`; `replaced` swaps one list
    (e.g. POLICY_FACTS=[…]) for a test's own."""
    tables = {
        name: replaced.get(name, value)
        for name, value in (
            ("SOURCES", SOURCES),
            ("STATISTICS", STATISTICS),
            ("POLICY_FACTS", POLICY_FACTS),
            ("POLICY_STATISTICS", POLICY_STATISTICS),
            ("ENTITIES", ENTITIES),
            ("TOPICS", TOPICS),
            ("VOCABULARY", VOCABULARY),
        )
    }
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "article-2022.txt": ARTICLE,
        "sources.yaml": {"sources": tables["SOURCES"]},
        "article_statistics.yaml": {"source": "article-2022", "facts": tables["STATISTICS"]},
        "policy_facts.yaml": tables["POLICY_FACTS"],
        "policy_facts_added.yaml": [],
        "policy_statistics.yaml": {"facts": tables["POLICY_STATISTICS"]},
        "article_entities.yaml": {"source": "article-2022", "entities": tables["ENTITIES"]},
        "topics.yaml": {"topics": tables["TOPICS"]},
        "vocabulary.yaml": tables["VOCABULARY"],
        "subsidy_rules.yaml": {"rules": []},
        "aspects.yaml": ASPECTS,
        "english.yaml": ENGLISH,
    }
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def row_counts() -> dict[str, int]:
    return {
        "statistics": len(STATISTICS) + len(POLICY_STATISTICS),
        "policy facts": len(POLICY_FACTS),
        "entities": len(ENTITIES),
        "topics": len(TOPICS),
        "sources": len(SOURCES),
        "aliases": sum(len(aliases) + 1 for values in VOCABULARY.values() for aliases in values.values()),
    }
