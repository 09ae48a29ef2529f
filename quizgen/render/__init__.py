"""The writers of sheets (md/html/json through Jinja), of terminal text and of JSON reports."""
