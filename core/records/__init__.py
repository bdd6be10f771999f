"""What a review holds besides its stage: scoping returns, the independent chair, the
panel and its meetings, agency reports, family engagement, recommendations and actions,
Home Office submissions and publication records. Each kind is declared once in
``kinds.py``; the service, the JSON API and the pages are shared."""
