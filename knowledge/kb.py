"""The knowledge base as actions and scripts import it.

Kept as the one name to import: the records are in records.py, every SQL statement in
store.py, reading a question in reading.py and choosing its answer in answering.py.
"""

from knowledge.answering import KnowledgeBase
from knowledge.records import (
    Question,
    SearchHit,
    Source,
    Statement,
    Statistic,
    StatisticMatch,
    StatisticsAnswer,
    Topic,
)
from knowledge.replies import TopicReply
from knowledge.store import KnowledgeBaseError

__all__ = [
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Question",
    "SearchHit",
    "Source",
    "Statement",
    "Statistic",
    "StatisticMatch",
    "StatisticsAnswer",
    "Topic",
    "TopicReply",
]
