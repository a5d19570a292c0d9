"""The working item bank in the database: items, their language variants, every saved version, and statistics.

exam_bank/ ships the bank as reviewed files; ``bank load`` brings it in here, where staff edit and
review it. Each save writes an ``ItemVersion`` holding the whole item, so history is never lost.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db


class BankItem(db.Model):
    __tablename__ = "bank_items"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)   # PSS-01-003, stable forever
    type: Mapped[str] = mapped_column(String(32))
    competency: Mapped[int] = mapped_column(Integer, index=True)
    area: Mapped[str] = mapped_column(String(40), index=True)
    cognitive_level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    pretest: Mapped[bool] = mapped_column(Boolean)
    key: Mapped[str] = mapped_column(String(8))
    enemies: Mapped[list] = mapped_column(JSON, default=list)
    irt: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)          # number of the current ItemVersion
    source: Mapped[str] = mapped_column(String(16), default="file")   # who wrote the current version: file | staff
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_bank_items_updated_by"))

    variants: Mapped[dict[str, BankVariant]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan", lazy="selectin")
    updated_by = relationship("User", foreign_keys=[updated_by_id])


class BankVariant(db.Model):
    __tablename__ = "bank_variants"
    __table_args__ = (UniqueConstraint("item_id", "language", name="uq_bank_variants_item_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("bank_items.id", name="fk_bank_variants_item"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[dict] = mapped_column(JSON)      # {option id: text}; ids are the same in every language
    rationale: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_bank_variants_updated_by"))


class ItemVersion(db.Model):
    """One saved state of an item with all its variants (the export format), kept forever."""

    __tablename__ = "bank_item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number", name="uq_bank_item_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("bank_items.id", name="fk_bank_item_versions_item"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_bank_item_versions_author"))
    source: Mapped[str] = mapped_column(String(16))   # file | staff | review | calibration
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)

    author = relationship("User")


class StatisticsRun(db.Model):
    """One analysis of a response file: classical statistics, a calibration and DIF by language."""

    __tablename__ = "bank_statistics_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_bank_statistics_runs_by"))
    label: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(8))
    candidates: Mapped[int] = mapped_column(Integer)
    converged: Mapped[bool] = mapped_column(Boolean)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    by = relationship("User")
    rows: Mapped[list[ItemStatistic]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ItemStatistic(db.Model):
    __tablename__ = "bank_item_statistics"
    __table_args__ = (UniqueConstraint("run_id", "item_id", name="uq_bank_item_statistics_run_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("bank_statistics_runs.id", name="fk_bank_item_statistics_run"), index=True)
    item_id: Mapped[str] = mapped_column(String(16), index=True)   # may name an item not (yet) in the bank
    n: Mapped[int] = mapped_column(Integer)
    exposure: Mapped[float] = mapped_column(Float)                  # share of the run's candidates who saw it
    p: Mapped[float | None] = mapped_column(Float)
    point_biserial: Mapped[float | None] = mapped_column(Float)
    a: Mapped[float | None] = mapped_column(Float)
    b: Mapped[float | None] = mapped_column(Float)
    se_a: Mapped[float | None] = mapped_column(Float)
    se_b: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[list] = mapped_column(JSON, default=list)         # too_hard, too_easy, low_discrimination, dif_<lang>
    dif: Mapped[dict] = mapped_column(JSON, default=dict)           # {language: {delta, category}}

    run: Mapped[StatisticsRun] = relationship(back_populates="rows")
