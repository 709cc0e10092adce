"""China's provincial-level divisions and the Greater Bay Area, for where a party is (the city's dashboard counts the
tonnes shipped out of Qinghai, to the Greater Bay Area and to Hong Kong).

A party's province is one of PROVINCES as written here (a schema refuses anything else); its city is free text
("深圳市"). The Greater Bay Area is Hong Kong, Macao and nine cities of Guangdong.
"""

from __future__ import annotations

from supply.names import in_language

QINGHAI = "青海省"
HONG_KONG = "香港特别行政区"
MACAO = "澳门特别行政区"
GUANGDONG = "广东省"
PROVINCES = {
    "北京市": "Beijing", "天津市": "Tianjin", "河北省": "Hebei", "山西省": "Shanxi", "内蒙古自治区": "Inner Mongolia",
    "辽宁省": "Liaoning", "吉林省": "Jilin", "黑龙江省": "Heilongjiang", "上海市": "Shanghai", "江苏省": "Jiangsu",
    "浙江省": "Zhejiang", "安徽省": "Anhui", "福建省": "Fujian", "江西省": "Jiangxi", "山东省": "Shandong",
    "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan", GUANGDONG: "Guangdong", "广西壮族自治区": "Guangxi",
    "海南省": "Hainan", "重庆市": "Chongqing", "四川省": "Sichuan", "贵州省": "Guizhou", "云南省": "Yunnan",
    "西藏自治区": "Tibet", "陕西省": "Shaanxi", "甘肃省": "Gansu", QINGHAI: "Qinghai", "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang", "台湾省": "Taiwan", HONG_KONG: "Hong Kong", MACAO: "Macao",
}
BAY_AREA_CITIES = ("广州市", "深圳市", "珠海市", "佛山市", "惠州市", "东莞市", "中山市", "江门市", "肇庆市")


def in_bay_area(province: str, city: str) -> bool:
    """Tell whether a place is in the Guangdong–Hong Kong–Macao Greater Bay Area."""
    return province in (HONG_KONG, MACAO) or (province == GUANGDONG and city in BAY_AREA_CITIES)


def province_name(province: str, language: str) -> str:
    """Show a province in a language ('' when unknown)."""
    return in_language(province, language, PROVINCES.get(province, "")) if province else ""
