from django import forms

from .search import SORTS


class JobSearchForm(forms.Form):
    keyword = forms.CharField(required=False, max_length=100, label="Keywords")
    location = forms.CharField(required=False, max_length=100, label="City or state")
    remote = forms.BooleanField(required=False, label="Remote only")
    min_salary = forms.IntegerField(
        required=False, min_value=0, max_value=10_000_000, label="Minimum yearly salary (USD)"
    )
    sort = forms.ChoiceField(
        required=False, choices=[("newest", "Newest first"), ("salary", "Highest salary first")], label="Sort by"
    )

    def filters(self):
        """The filters to apply: none at all when the form does not validate."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "keyword": data["keyword"],
            "location": data["location"],
            "remote": data["remote"],
            "min_salary": data["min_salary"],
            "sort": data["sort"] if data["sort"] in SORTS else "newest",
        }

    def filters_in_use(self):
        """How many filters narrow or reorder the list: the folded form says so on a phone."""
        return sum(1 for name, value in self.filters().items() if value and (name, value) != ("sort", "newest"))
