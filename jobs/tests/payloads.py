"""Answers shaped like the real APIs' (field names and nesting as their documentation records them)."""


def usajobs_item(number, *, title="IT Specialist (INFOSEC)", low="89000", high="115000", interval="PA"):
    return {
        "MatchedObjectId": str(number),
        "MatchedObjectDescriptor": {
            "PositionID": f"VA-{number}",
            "PositionTitle": title,
            "PositionURI": f"https://www.usajobs.gov:443/job/{number}",
            "ApplyURI": [f"https://www.usajobs.gov:443/job/{number}?apply"],
            "PositionLocationDisplay": "Washington, District of Columbia",
            "PositionLocation": [{"LocationName": "Washington, District of Columbia", "CountryCode": "United States"}],
            "OrganizationName": "Veterans Affairs, Veterans Health Administration",
            "DepartmentName": "Department of Veterans Affairs",
            "PositionRemuneration": [
                {"MinimumRange": low, "MaximumRange": high, "RateIntervalCode": interval, "Description": "Per Year"}
            ],
            "PublicationStartDate": "2026-03-02T00:00:00.0000",
            "ApplicationCloseDate": "2026-04-01T23:59:59.9970",
            "QualificationSummary": "One year of specialized experience.",
            "UserArea": {"Details": {"JobSummary": "Protect systems and data.", "RemoteIndicator": False}},
        },
        "RelevanceRank": 0,
    }


def usajobs_page(items, *, pages):
    return {
        "LanguageCode": "EN",
        "SearchParameters": {},
        "SearchResult": {
            "SearchResultCount": len(items),
            "SearchResultCountAll": 99,
            "SearchResultItems": items,
            "UserArea": {"NumberOfPages": str(pages), "IsRadialSearch": False},
        },
    }


def adzuna_item(number, *, title="Azure Cloud Engineer", low=95000.0, high=125000.0, predicted="0"):
    return {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": str(number),
        "title": title,
        "description": "Build and run Azure infrastructure...",
        "created": "2026-03-10T09:12:44Z",
        "redirect_url": f"https://www.adzuna.com/land/ad/{number}?se=abc",
        "company": {"__CLASS__": "Adzuna::API::Response::Company", "display_name": "Fabrikam"},
        "location": {"display_name": "Austin, Travis County", "area": ["US", "Texas", "Travis County", "Austin"]},
        "salary_min": low,
        "salary_max": high,
        "salary_is_predicted": predicted,
        "contract_time": "full_time",
        "category": {"label": "IT Jobs", "tag": "it-jobs"},
    }


def adzuna_page(items, *, count):
    return {"__CLASS__": "Adzuna::API::Response::JobSearchResults", "count": count, "mean": 110000, "results": items}
