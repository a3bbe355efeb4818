"""The platforms' category-rules answers, built from a scenario CategorySpec: what each platform's rules API says
of the rules the sandbox enforces on a new listing (mandatory attributes, "x.unit" units, size values).

- Amazon getDefinitionsProductType (`GET /definitions/2020-09-01/productTypes/{productType}`) answers a link to
  the product type's JSON Schema (`schema.link.resource`, fetched without the access token, like Amazon's
  pre-signed schema URLs); the schema lists `required` attributes and each one's `items.properties`.
- TikTok Get Attributes (`GET /product/202309/categories/{id}/attributes`, `is_requried` as TikTok spells it) and
  Get Category Rules (`.../rules`).
- Shopee get_attribute_tree (in `shopee_catalog.attribute_tree`).
- Lazada GetCategoryAttributes (`/category/attributes/get`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from sandbox.scenario import CategorySpec

AMAZON_SCHEMA_PATH = "/_schemas/{product_type}.json"
AMAZON_META_SCHEMA = "https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1"


def _names(category: CategorySpec) -> tuple[list[str], set[str]]:
    required = category.required_attributes
    return list(dict.fromkeys(r.partition(".")[0] for r in required)), {
        r.partition(".")[0] for r in required if r.endswith(".unit")
    }


# -----------------------------------------------------------------------------------------------------------
# Amazon


def amazon_schema(product_type: str, category: CategorySpec) -> dict[str, Any]:
    names, with_unit = _names(category)
    properties: dict[str, Any] = {}
    for name in dict.fromkeys([*names, *([category.size_attribute] if category.size_attribute else [])]):
        value: dict[str, Any] = {"title": name.replace("_", " ").title(), "type": "string"}
        if name == category.size_attribute:
            value.update({"enum": list(category.size_values), "enumNames": list(category.size_values)})
        item_properties: dict[str, Any] = {"value": value}
        item_required = ["value"]
        if name in with_unit:
            item_properties["unit"] = {"title": "Unit", "type": "string", "enum": list(category.units)}
            item_required = ["unit", "value"]
        properties[name] = {
            "title": name.replace("_", " ").title(),
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "required": item_required, "properties": item_properties},
        }
    return {
        "$schema": AMAZON_META_SCHEMA,
        "$id": f"https://schemas.amazon.com/selling-partners/definitions/product-types/schema/v1/{product_type}",
        "$comment": f"Amazon product type definition for {product_type} product type",
        "type": "object",
        "required": names,
        "properties": properties,
    }


def amazon_definition(
    product_type: str, category: CategorySpec, marketplace_id: str, schema_url: str
) -> dict[str, Any]:
    schema = json.dumps(amazon_schema(product_type, category)).encode()
    return {
        "metaSchema": {"link": {"resource": AMAZON_META_SCHEMA, "verb": "GET"}, "checksum": ""},
        "schema": {
            "link": {"resource": schema_url, "verb": "GET"},
            "checksum": base64.b64encode(hashlib.md5(schema).digest()).decode(),
        },
        "requirements": "LISTING",
        "requirementsEnforced": "ENFORCED",
        "propertyGroups": {
            "product_details": {
                "title": "Product Details",
                "propertyNames": list(amazon_schema(product_type, category)["properties"]),
            }
        },
        "locale": "DEFAULT",
        "marketplaceIds": [marketplace_id],
        "productType": product_type,
        "displayName": category.name or product_type,
        "productTypeVersion": {"version": "USANDBOX01", "latest": True, "releaseCandidate": False},
    }


# -----------------------------------------------------------------------------------------------------------
# TikTok Shop


def tiktok_attributes(category: CategorySpec) -> dict[str, Any]:
    names, with_unit = _names(category)
    attributes: list[dict[str, Any]] = []
    for name in names:
        if name == category.size_attribute:
            continue
        attributes.append(
            {
                "id": name,
                "name": name.replace("_", " ").title(),
                "type": "PRODUCT_PROPERTY",
                "is_requried": True,
                "values": [],
                # A measurement is a number with its unit ("200 g"): TikTok shows it as a numeric attribute.
                "value_data_format": "POSITIVE_INT_OR_DECIMAL" if name in with_unit else "",
                "is_customizable": True,
                "is_multiple_selection": False,
            }
        )
    if category.size_attribute:
        attributes.append(
            {
                "id": category.size_attribute,
                "name": "Size",
                "type": "PRODUCT_PROPERTY",
                "is_requried": category.size_attribute in names,
                "values": [{"id": f"70{index:05d}", "name": value} for index, value in enumerate(category.size_values)],
                "is_customizable": False,
                "is_multiple_selection": False,
            }
        )
    return {"attributes": attributes}


def tiktok_rules(category: CategorySpec) -> dict[str, Any]:
    return {
        "product_certifications": [],
        # The sandbox takes a sized product without a size chart: supported, not required.
        "size_chart": {"is_supported": bool(category.size_attribute), "is_required": False},
        "cod": {"is_supported": True},
        "package_dimension": {"is_required": True},
        "epr": {"is_required": False},
        "responsible_person": {"is_required": False},
        "manufacturer": {"is_required": False},
    }


# -----------------------------------------------------------------------------------------------------------
# Lazada


def lazada_attributes(category: CategorySpec) -> list[dict[str, Any]]:
    names, with_unit = _names(category)
    rows: list[dict[str, Any]] = [
        {"name": "name", "label": "Product Name", "is_mandatory": 1, "input_type": "text", "options": [],
         "attribute_type": "normal", "is_sale_prop": 0, "advanced": {"is_key_prop": 0}},
    ]  # fmt: skip
    for name in names:
        if name == category.size_attribute:
            continue
        rows.append(
            {
                "name": name,
                "label": name.replace("_", " ").title(),
                "is_mandatory": 1,
                # A measurement: a number whose options are the units it takes ({"value", "unit"} in a product).
                "input_type": "numeric" if name in with_unit else "text",
                "options": [{"name": unit} for unit in category.units] if name in with_unit else [],
                "attribute_type": "normal",
                "is_sale_prop": 0,
                "advanced": {"is_key_prop": 0},
            }
        )
    if category.size_attribute:
        rows.append(
            {
                "name": category.size_attribute,
                "label": "Size",
                "is_mandatory": 1 if category.size_attribute in names else 0,
                "input_type": "singleSelect",
                "options": [{"name": value} for value in category.size_values],
                "attribute_type": "sku",
                "is_sale_prop": 1,
                "advanced": {"is_key_prop": 0},
            }
        )
    return rows
