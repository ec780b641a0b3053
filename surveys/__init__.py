"""The unit's own surveys (issue 16): SKM/IKM, IPKP, IPAK and internal ones. So far the
regulations' numbers (``scoring``) and the question sets (``questions/*.json``); the
models, the public form and the LKE link come next."""
