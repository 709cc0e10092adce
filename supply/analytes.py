"""English names of the analytes tests record: pesticide residues, seedling viruses, animal diseases.

An analyte is free text typed by the tester (usually Simplified Chinese, as on the test kit); the English page
shows its English name from this table, else the text as typed. Traditional readers get it converted like every
name (`supply.names`).
"""

from __future__ import annotations

from supply.names import in_language
from supply.names import names_of

ANALYTES = {
    # Rapid pesticide residue tests (GB/T 5009.199 enzyme inhibition, test strips) and single residues.
    "有机磷和氨基甲酸酯类": "Organophosphates and carbamates",
    "有机磷和氨基甲酸酯类农药": "Organophosphate and carbamate pesticides",
    "有机磷": "Organophosphates",
    "有机磷类": "Organophosphates",
    "有机磷农药": "Organophosphate pesticides",
    "氨基甲酸酯类": "Carbamates",
    "氨基甲酸酯类农药": "Carbamate pesticides",
    "农药残留": "Pesticide residues",
    "毒死蜱": "Chlorpyrifos",
    "敌敌畏": "Dichlorvos",
    "乐果": "Dimethoate",
    "氧乐果": "Omethoate",
    "甲胺磷": "Methamidophos",
    "甲拌磷": "Phorate",
    "水胺硫磷": "Isocarbophos",
    "克百威": "Carbofuran",
    "灭多威": "Methomyl",
    "涕灭威": "Aldicarb",
    "腐霉利": "Procymidone",
    "多菌灵": "Carbendazim",
    "吡虫啉": "Imidacloprid",
    "啶虫脒": "Acetamiprid",
    "阿维菌素": "Abamectin",
    "高效氯氰菊酯": "Beta-cypermethrin",
    "亚硝酸盐": "Nitrite",
    "铅": "Lead",
    "镉": "Cadmium",
    # Strawberry seedling viruses.
    "草莓斑驳病毒": "Strawberry mottle virus (SMoV)",
    "草莓轻型黄边病毒": "Strawberry mild yellow edge virus (SMYEV)",
    "草莓镶脉病毒": "Strawberry vein banding virus (SVBV)",
    "草莓皱缩病毒": "Strawberry crinkle virus (SCV)",
    # Animal diseases and residues of quarantine.
    "口蹄疫": "Foot-and-mouth disease",
    "布鲁氏菌病": "Brucellosis",
    "结核病": "Tuberculosis",
    "炭疽": "Anthrax",
    "小反刍兽疫": "Peste des petits ruminants",
    "克伦特罗": "Clenbuterol",
    "盐酸克伦特罗": "Clenbuterol hydrochloride",
    "莱克多巴胺": "Ractopamine",
    "沙丁胺醇": "Salbutamol",
    "瘦肉精": "Beta-agonists (clenbuterol and others)",
}


def analyte_english(text: str | None) -> str:
    """Return the English name of an analyte as typed, or "" when the table has none."""
    return ANALYTES.get((text or "").strip(), "")


def analyte_name(text: str | None, language: str) -> str:
    """Show an analyte in a language: its English name from the table, else as typed (converted for Traditional)."""
    return in_language(text or "", language, analyte_english(text))


def analyte_names(text: str | None) -> dict | None:
    """Return an analyte in every language for JSON answers (None without one)."""
    return names_of(text, analyte_english(text))
