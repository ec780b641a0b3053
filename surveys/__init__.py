"""The unit's own surveys (issue 16): SKM/IKM, IPKP, IPAK and internal ones.

- ``scoring``: the regulations' numbers (pure functions); ``questions/*.json``: the
  question sets as data, copied into a survey when it is made.
- ``models``: services of the unit, surveys, questions, and the append-only responses,
  answers, exclusions and admissions; ``services`` writes, ``selectors`` reads (results
  aggregated in SQL), ``permissions`` fetches or refuses.
- ``views``: the signed-in pages (list, new survey, services, questions, a survey's
  page, the QR poster); ``views_public`` and ``public``: the form and results without
  sign-in, with their abuse checks."""
